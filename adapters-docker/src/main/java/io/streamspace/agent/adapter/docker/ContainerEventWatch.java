package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerEvent;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code GET /events} for containers carrying some labels, on the stream client (no response timeout),
 * and reconnects with backoff when the stream breaks. After a reconnect it asks for the events since the last
 * one it delivered, so a short gap loses nothing; events delivered twice across a reconnect are dropped.
 */
final class ContainerEventWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");
    /** Actor attributes that are not container labels (Podman adds containerExitCode and podId). */
    private static final Set<String> NON_LABEL_ATTRIBUTES = Set.of("name", "image", "exitCode", "signal", "execDuration",
            "containerExitCode", "podId");
    static final Duration FIRST_CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final DockerClient streams;
    private final String dockerHost;
    private final Map<String, String> labels;
    private final Consumer<ContainerEvent> consumer;
    private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
    private volatile boolean closed;
    private volatile Closeable currentStream;
    private Thread loop;
    // Only touched by the loop thread's callbacks (one stream at a time).
    private long lastTimeNano = -1;
    private final Set<String> seenAtLastTime = new HashSet<>();

    /** @param sinceNanos replay the engine's events from this time on (0: from now) */
    ContainerEventWatch(DockerClient streams, String dockerHost, Map<String, String> labels,
                        Consumer<ContainerEvent> consumer, long sinceNanos) {
        this.lastTimeNano = sinceNanos > 0 ? sinceNanos : -1;
        this.streams = streams;
        this.dockerHost = dockerHost;
        this.labels = Map.copyOf(labels);
        this.consumer = consumer;
    }

    /** Starts following and returns once the engine has accepted the first subscription. */
    ContainerEventWatch start() {
        loop = Thread.ofVirtual().name("docker-events-" + labels.hashCode()).start(this::run);
        try {
            firstConnect.get(FIRST_CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return this;
        } catch (ExecutionException e) {
            close();
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r
                    ? DockerErrors.translate("follow container events", dockerHost, r)
                    : DockerErrors.unreachable(dockerHost, cause);
        } catch (TimeoutException e) {
            close();
            throw new RuntimeOperationException("The Docker engine at " + dockerHost
                    + " did not answer the container event subscription within " + FIRST_CONNECT_TIMEOUT.toSeconds()
                    + " s");
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new RuntimeOperationException("Interrupted while subscribing to container events at " + dockerHost);
        }
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        while (!closed) {
            Stream stream = new Stream();
            long startedAt = System.nanoTime();
            try {
                var cmd = streams.eventsCmd().withEventTypeFilter(EventType.CONTAINER).withLabelFilter(labels);
                if (lastTimeNano > 0) {
                    cmd.withSince(lastTimeNano / 1_000_000_000L + "." + String.format("%09d", lastTimeNano % 1_000_000_000L));
                }
                cmd.exec(stream);
                stream.awaitCompletion();
            } catch (InterruptedException e) {
                break; // close() interrupts a sleeping or waiting loop
            } catch (RuntimeException e) {
                stream.failure = e;
            }
            if (!firstConnect.isDone()) {
                firstConnect.completeExceptionally(stream.failure != null ? stream.failure
                        : new RuntimeOperationException("the event stream ended before it started"));
                return;
            }
            if (closed) {
                break;
            }
            if (stream.delivered || System.nanoTime() - startedAt > Duration.ofSeconds(30).toNanos()) {
                backoff = MIN_BACKOFF;
            }
            LOG.warn("Docker event stream at {} ended ({}); reconnecting in {} ms", dockerHost,
                    stream.failure == null ? "closed by the engine" : DockerErrors.describe(DockerErrors.rootCause(stream.failure)),
                    backoff.toMillis());
            try {
                Thread.sleep(backoff); // production backoff between reconnects, not test synchronisation
            } catch (InterruptedException e) {
                break;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private void deliver(Event event) {
        Long timeNano = event.getTimeNano();
        long time = timeNano != null ? timeNano : (event.getTime() == null ? 0 : event.getTime() * 1_000_000_000L);
        String key = event.getId() + "/" + event.getAction();
        if (time < lastTimeNano || (time == lastTimeNano && !seenAtLastTime.add(key))) {
            return; // already delivered before a reconnect
        }
        if (time > lastTimeNano) {
            lastTimeNano = time;
            seenAtLastTime.clear();
            seenAtLastTime.add(key);
        }
        ContainerEvent mapped = map(event);
        try {
            consumer.accept(mapped);
        } catch (RuntimeException e) {
            LOG.warn("Container event consumer failed on {} of {}: {}", mapped.action(), mapped.containerName(),
                    e.toString());
        }
    }

    static ContainerEvent map(Event event) {
        Map<String, String> attributes = event.getActor() == null || event.getActor().getAttributes() == null
                ? Map.of() : event.getActor().getAttributes();
        Map<String, String> containerLabels = new HashMap<>(attributes);
        containerLabels.keySet().removeAll(NON_LABEL_ATTRIBUTES);
        String action = dockerAction(event.getAction() != null ? event.getAction() : event.getStatus());
        int exitCode = -1;
        String code = attributes.get("exitCode");
        if (code != null) {
            try {
                exitCode = Integer.parseInt(code.strip());
            } catch (NumberFormatException ignored) {
                // keep -1: the engine sent something that is not a number
            }
        }
        String name = attributes.getOrDefault("name", event.getId());
        Long timeNano = event.getTimeNano();
        long time = timeNano != null ? timeNano : (event.getTime() == null ? 0 : event.getTime() * 1_000_000_000L);
        return new ContainerEvent(name, action, Map.copyOf(containerLabels), exitCode, time);
    }

    /** Podman's compat API names a removal "remove" (Docker: "destroy"); its native names may leak through too. */
    static String dockerAction(String action) {
        if (action == null) {
            return null;
        }
        return switch (action) {
            case "remove" -> "destroy";
            case "died" -> "die";
            default -> action;
        };
    }

    @Override
    public void close() {
        closed = true;
        Closeable stream = currentStream;
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException | RuntimeException ignored) {
                // closing a broken stream may fail; it is gone either way
            }
        }
        if (loop != null) {
            loop.interrupt();
        }
    }

    /** One subscription. */
    private final class Stream extends ResultCallback.Adapter<Event> {
        volatile Throwable failure;
        volatile boolean delivered;

        @Override
        public void onStart(Closeable stream) {
            super.onStart(stream);
            currentStream = this;
            if (closed) {
                try {
                    close();
                } catch (IOException ignored) {
                    // closing on the way out
                }
                return;
            }
            firstConnect.complete(null);
        }

        @Override
        public void onNext(Event event) {
            delivered = true;
            deliver(event);
        }

        @Override
        public void onError(Throwable throwable) {
            // Adapter.onError logs at ERROR; a broken stream is expected (engine restart) and handled by the loop.
            if (failure == null) {
                failure = throwable;
            }
            try {
                close();
            } catch (IOException ignored) {
                // already broken
            }
        }
    }
}
