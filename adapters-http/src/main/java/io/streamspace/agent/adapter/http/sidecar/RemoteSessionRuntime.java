package io.streamspace.agent.adapter.http.sidecar;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.domain.sidecar.SidecarOperation;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SessionRuntime} of sidecar mode: every operation is performed by the compose-agent sidecar through its
 * signed local API ({@link SignedSidecarClient}). Errors of the sidecar's runtime come back as
 * {@link RuntimeOperationException} with the sidecar's message, so callers cannot tell the two modes apart.
 * {@link #watchContainers} is a long poll on a virtual thread that reopens its watch if the sidecar restarts, from the
 * last event it delivered (the engine replays what happened meanwhile; replays of delivered events are dropped).
 */
public final class RemoteSessionRuntime implements SessionRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteSessionRuntime.class);
    private static final Duration POLL_WAIT = Duration.ofSeconds(20);
    private static final TypeReference<List<NetworkRef>> NETWORKS = new TypeReference<>() {};
    private static final TypeReference<List<VolumeRef>> VOLUMES = new TypeReference<>() {};
    private static final TypeReference<List<ContainerState>> CONTAINERS = new TypeReference<>() {};
    private static final TypeReference<List<ListedContainer>> LISTED = new TypeReference<>() {};
    private static final TypeReference<List<ContainerEvent>> EVENTS = new TypeReference<>() {};

    private final SignedSidecarClient client;

    public RemoteSessionRuntime(SignedSidecarClient client) {
        this.client = client;
    }

    @Override
    public RuntimeInfo info() {
        return convert(call(SidecarOperation.INFO, Map.of()), RuntimeInfo.class);
    }

    @Override
    public NetworkRef ensureNetwork(String name, Map<String, String> ownerLabels) {
        return convert(call(SidecarOperation.ENSURE_NETWORK, args("name", name, "ownerLabels", ownerLabels)),
                NetworkRef.class);
    }

    @Override
    public List<NetworkRef> findNetworks(Map<String, String> labels) {
        return convert(call(SidecarOperation.FIND_NETWORKS, args("labels", labels)), NETWORKS);
    }

    @Override
    public boolean removeNetwork(String name, Map<String, String> ownerLabels) {
        return call(SidecarOperation.REMOVE_NETWORK, args("name", name, "ownerLabels", ownerLabels)).asBoolean();
    }

    @Override
    public boolean imagePresent(String image) {
        return call(SidecarOperation.IMAGE_PRESENT, args("image", image)).asBoolean();
    }

    @Override
    public void pullImage(String image, Consumer<String> progress) throws InterruptedException {
        JsonNode result = client.call(SidecarOperation.PULL_IMAGE, args("image", image));
        result.path("progress").forEach(line -> progress.accept(line.asText()));
    }

    @Override
    public VolumeRef ensureVolume(String name, String driver, Map<String, String> ownerLabels) {
        return convert(call(SidecarOperation.ENSURE_VOLUME,
                args("name", name, "driver", driver, "ownerLabels", ownerLabels)), VolumeRef.class);
    }

    @Override
    public List<VolumeRef> findVolumes(Map<String, String> labels) {
        return convert(call(SidecarOperation.FIND_VOLUMES, args("labels", labels)), VOLUMES);
    }

    @Override
    public boolean removeVolume(String name, Map<String, String> ownerLabels) {
        return call(SidecarOperation.REMOVE_VOLUME, args("name", name, "ownerLabels", ownerLabels)).asBoolean();
    }

    @Override
    public ContainerState createAndStart(ContainerSpec spec) {
        return convert(call(SidecarOperation.CREATE_AND_START, args("spec", spec)), ContainerState.class);
    }

    @Override
    public Optional<ContainerState> inspect(String name) {
        JsonNode result = call(SidecarOperation.INSPECT, args("name", name));
        return result.isNull() || result.isMissingNode() ? Optional.empty()
                : Optional.of(convert(result, ContainerState.class));
    }

    @Override
    public List<ContainerState> findContainers(Map<String, String> labels) {
        return convert(call(SidecarOperation.FIND_CONTAINERS, args("labels", labels)), CONTAINERS);
    }

    @Override
    public List<ListedContainer> listContainers(Map<String, String> labels) {
        return convert(call(SidecarOperation.LIST_CONTAINERS, args("labels", labels)), LISTED);
    }

    @Override
    public Map<String, ResourceUsage> usage(Map<String, String> labels) {
        Map<String, ResourceUsage> out = new LinkedHashMap<>();
        call(SidecarOperation.USAGE, args("labels", labels)).properties().forEach(e -> out.put(e.getKey(),
                new ResourceUsage(e.getValue().path("cpuTotalNanos").asLong(), e.getValue().path("memoryBytes").asLong(),
                        e.getValue().path("memoryLimitBytes").asLong(),
                        Instant.parse(e.getValue().path("readAt").asText()))));
        return out;
    }

    @Override
    public boolean removeContainer(String name, Map<String, String> ownerLabels) {
        return call(SidecarOperation.REMOVE_CONTAINER, args("name", name, "ownerLabels", ownerLabels)).asBoolean();
    }

    @Override
    public void stopContainer(String name, Map<String, String> ownerLabels, Duration grace) {
        call(SidecarOperation.STOP_CONTAINER, args("name", name, "ownerLabels", ownerLabels,
                "graceMillis", grace.toMillis()));
    }

    @Override
    public void startContainer(String name, Map<String, String> ownerLabels) {
        call(SidecarOperation.START_CONTAINER, args("name", name, "ownerLabels", ownerLabels));
    }

    @Override
    public void pauseContainer(String name, Map<String, String> ownerLabels) {
        call(SidecarOperation.PAUSE_CONTAINER, args("name", name, "ownerLabels", ownerLabels));
    }

    @Override
    public void unpauseContainer(String name, Map<String, String> ownerLabels) {
        call(SidecarOperation.UNPAUSE_CONTAINER, args("name", name, "ownerLabels", ownerLabels));
    }

    @Override
    public AutoCloseable watchContainers(Map<String, String> labels, Consumer<ContainerEvent> events) {
        String first = call(SidecarOperation.WATCH_OPEN, args("labels", labels)).path("watchId").asText();
        RemoteWatch watch = new RemoteWatch(labels, events, first);
        watch.thread = Thread.ofVirtual().name("sidecar-watch").start(watch::run);
        return watch;
    }

    private final class RemoteWatch implements AutoCloseable {
        private final Map<String, String> labels;
        private final Consumer<ContainerEvent> consumer;
        private final ReentrantLock delivery = new ReentrantLock();
        private volatile boolean closed;
        private volatile String watchId;
        private volatile Thread thread;
        /** The engine time of the newest event delivered, and which events carried it (replays are dropped). */
        private volatile long lastTime;
        private final java.util.Set<String> seenAtLastTime = new java.util.HashSet<>();

        RemoteWatch(Map<String, String> labels, Consumer<ContainerEvent> consumer, String watchId) {
            this.labels = labels;
            this.consumer = consumer;
            this.watchId = watchId;
        }

        void run() {
            long cursor = 0;
            Duration backoff = Duration.ofMillis(250);
            while (!closed) {
                try {
                    if (watchId == null) {
                        // resume from the last event seen, so what happened while the sidecar was away is replayed
                        watchId = call(SidecarOperation.WATCH_OPEN, args("labels", labels, "sinceNanos", lastTime))
                                .path("watchId").asText();
                        cursor = 0;
                        LOG.info("Container-event watch reopened on the compose-agent sidecar{}", lastTime > 0
                                ? " from the last event seen (" + java.time.Instant.ofEpochSecond(0, lastTime) + ")"
                                : "");
                    }
                    JsonNode batch = client.call(SidecarOperation.WATCH_POLL, args("watchId", watchId,
                            "cursor", cursor, "waitMillis", POLL_WAIT.toMillis()));
                    List<ContainerEvent> events = convert(batch.path("events"), EVENTS);
                    cursor = batch.path("cursor").asLong(cursor);
                    if (batch.path("missed").asLong(0) > 0) {
                        LOG.warn("Missed {} container events of the compose-agent sidecar", batch.path("missed").asLong());
                    }
                    deliver(events);
                    backoff = Duration.ofMillis(250);
                } catch (InterruptedException e) {
                    return; // closed
                } catch (IllegalArgumentException e) {
                    watchId = null; // the sidecar forgot the watch (restart, idle): open a new one
                } catch (RuntimeException e) {
                    if (closed) {
                        return;
                    }
                    LOG.warn("Container-event watch on the compose-agent sidecar failed, retrying in {} ms: {}",
                            backoff.toMillis(), e.getMessage());
                    LockSupport.parkNanos(backoff.toNanos());
                    backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
                            ? Duration.ofSeconds(10) : backoff.multipliedBy(2);
                }
            }
        }

        private void deliver(List<ContainerEvent> events) {
            delivery.lock();
            try {
                for (ContainerEvent event : events) {
                    if (closed) {
                        return;
                    }
                    long time = event.timeNanos();
                    if (time > 0) {
                        String key = event.containerName() + "/" + event.action();
                        if (time < lastTime || (time == lastTime && !seenAtLastTime.add(key))) {
                            continue; // replayed after a reopen: delivered already
                        }
                        if (time > lastTime) {
                            lastTime = time;
                            seenAtLastTime.clear();
                            seenAtLastTime.add(key);
                        }
                    }
                    consumer.accept(event);
                }
            } finally {
                delivery.unlock();
            }
        }

        /** After this returns no event is delivered any more. */
        @Override
        public void close() {
            delivery.lock();
            try {
                closed = true;
            } finally {
                delivery.unlock();
            }
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
            String id = watchId;
            if (id != null) {
                try {
                    call(SidecarOperation.WATCH_CLOSE, args("watchId", id));
                } catch (RuntimeException e) {
                    LOG.debug("Closing the sidecar watch {} failed (it expires by itself): {}", id, e.getMessage());
                }
            }
        }
    }

    private JsonNode call(SidecarOperation operation, Object args) {
        try {
            return client.call(operation, args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeOperationException("Interrupted while the compose-agent sidecar performed "
                    + operation.wireName(), e);
        }
    }

    private <T> T convert(JsonNode node, Class<T> type) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new RuntimeOperationException("The compose-agent sidecar returned no " + type.getSimpleName());
        }
        return client.json().convertValue(node, type);
    }

    private <T> T convert(JsonNode node, TypeReference<T> type) {
        return client.json().convertValue(node, type);
    }

    /** Argument objects; null values are kept (the sidecar's runtime refuses them with its own message). */
    private static Map<String, Object> args(Object... pairs) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            args.put((String) pairs[i], pairs[i + 1]);
        }
        return args;
    }
}
