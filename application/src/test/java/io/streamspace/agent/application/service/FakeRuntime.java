package io.streamspace.agent.application.service;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A scriptable in-memory {@link SessionRuntime} for the session service tests: records every mutating call,
 * enforces the owner labels like the real adapter must, can hold creates at a gate (to observe parallelism)
 * and can make containers exit at start.
 */
public final class FakeRuntime implements SessionRuntime {

    /** A container the fake holds; tests may change it. */
    public static final class Box {
        public final String id;
        public final String name;
        public final ContainerSpec spec;
        public volatile String status;
        public volatile int exitCode;
        public volatile String error = "";
        public volatile int createdPolls;
        public volatile int restartCount;
        /** Exits with this code right after every start and is restarted at once by the restart policy. */
        public volatile Integer flapping;

        Box(String id, ContainerSpec spec) {
            this.id = id;
            this.name = spec.name();
            this.spec = spec;
        }
    }

    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final Set<String> images = new HashSet<>();
    public final Map<String, String> unpullable = new HashMap<>();
    public final Map<String, Integer> exitAtStart = new HashMap<>();
    /**
     * Images whose process exits with the given code at once while the restart policy keeps restarting it: the
     * container is "running" whenever it is looked at, but its restart count grows between two looks.
     */
    public final Map<String, Integer> flappingAtStart = new HashMap<>();
    /** When positive, a flapping container is seen "restarting" (with its exit code) from this look on. */
    public volatile int restartingAfterLooks;
    /** How many inspections a new container stays {@code created} before it runs. */
    public volatile int createdPolls;
    public final Map<String, Box> containers = new LinkedHashMap<>();
    /**
     * Containers the engine is in the middle of creating, starting or stopping. Docker holds such a container's
     * lock for the whole operation, and a look at it (an inspect, so also {@link #findContainers}) waits until the
     * operation ends; the fake fails such a look instead, so a test sees who would have waited.
     */
    public final Set<String> heldByEngine = java.util.concurrent.ConcurrentHashMap.newKeySet();
    public final Map<String, VolumeRef> volumes = new LinkedHashMap<>();
    public final Map<String, NetworkRef> networks = new LinkedHashMap<>();
    public final AtomicInteger createsInFlight = new AtomicInteger();
    public final AtomicInteger maxCreatesInFlight = new AtomicInteger();
    /** When set, createAndStart waits for it (counting itself in {@link #createsInFlight} meanwhile). */
    public volatile CountDownLatch createGate;
    private final List<Consumer<ContainerEvent>> watchers = new CopyOnWriteArrayList<>();
    private int ids;

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo("fake", "1.44", "linux");
    }

    @Override
    public synchronized NetworkRef ensureNetwork(String name, Map<String, String> ownerLabels) {
        return networks.computeIfAbsent(name, n -> {
            calls.add("network " + n);
            return new NetworkRef("net-" + n, n, ownerLabels);
        });
    }

    @Override
    public synchronized List<NetworkRef> findNetworks(Map<String, String> labels) {
        return networks.values().stream().filter(n -> has(n.labels(), labels)).toList();
    }

    @Override
    public synchronized boolean removeNetwork(String name, Map<String, String> ownerLabels) {
        return networks.remove(name) != null;
    }

    @Override
    public synchronized boolean imagePresent(String image) {
        return images.contains(image);
    }

    @Override
    public void pullImage(String image, Consumer<String> progress) {
        calls.add("pull " + image);
        String reason;
        synchronized (this) {
            reason = unpullable.get(image);
        }
        if (reason != null) {
            throw new RuntimeOperationException(reason);
        }
        progress.accept("Pulling fs layer");
        progress.accept("Download complete");
        synchronized (this) {
            images.add(image);
        }
    }

    @Override
    public synchronized VolumeRef ensureVolume(String name, String driver, Map<String, String> ownerLabels) {
        VolumeRef existing = volumes.get(name);
        if (existing != null) {
            if (!has(existing.labels(), ownerLabels)) {
                throw new RuntimeOperationException("volume " + name + " exists and is not ours");
            }
            return existing;
        }
        calls.add("volume " + name);
        VolumeRef v = new VolumeRef(name, driver, Map.copyOf(ownerLabels));
        volumes.put(name, v);
        return v;
    }

    @Override
    public synchronized List<VolumeRef> findVolumes(Map<String, String> labels) {
        return volumes.values().stream().filter(v -> has(v.labels(), labels)).toList();
    }

    @Override
    public synchronized boolean removeVolume(String name, Map<String, String> ownerLabels) {
        VolumeRef v = volumes.get(name);
        if (v == null) {
            return false;
        }
        if (!has(v.labels(), ownerLabels)) {
            throw new RuntimeOperationException("volume " + name + " is not ours");
        }
        calls.add("remove volume " + name);
        volumes.remove(name);
        return true;
    }

    @Override
    public ContainerState createAndStart(ContainerSpec spec) {
        int now = createsInFlight.incrementAndGet();
        maxCreatesInFlight.accumulateAndGet(now, Math::max);
        try {
            CountDownLatch gate = createGate;
            if (gate != null) {
                try {
                    if (!gate.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("create gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RuntimeOperationException("interrupted");
                }
            }
            Box box;
            synchronized (this) {
                if (containers.containsKey(spec.name())) {
                    throw new RuntimeOperationException("Conflict. The container name \"/" + spec.name()
                            + "\" is already in use");
                }
                calls.add("create " + spec.name());
                box = new Box("c" + (++ids), spec);
                Integer exit = exitAtStart.get(spec.image());
                if (exit != null) {
                    box.status = "exited";
                    box.exitCode = exit;
                    box.error = "exec: \"/init\": no such file or directory";
                } else if (flappingAtStart.containsKey(spec.image())) {
                    box.status = "running";
                    box.flapping = flappingAtStart.get(spec.image());
                } else if (createdPolls > 0) {
                    box.status = "created";
                    box.createdPolls = createdPolls;
                } else {
                    box.status = "running";
                }
                containers.put(spec.name(), box);
            }
            emit(box, "start", 0);
            return state(box);
        } finally {
            createsInFlight.decrementAndGet();
        }
    }

    @Override
    public synchronized Optional<ContainerState> inspect(String name) {
        refuseLookWhileHeld(name);
        Box box = containers.get(name);
        if (box == null) {
            return Optional.empty();
        }
        if ("created".equals(box.status) && box.createdPolls > 0 && --box.createdPolls == 0) {
            box.status = "running";
        }
        if (box.flapping != null && "running".equals(box.status)) {
            // it died and the restart policy brought it back since the last look, as the engine's events tell
            emit(box, "die", box.flapping);
            emit(box, "start", 0);
            box.restartCount++;
            if (restartingAfterLooks > 0 && box.restartCount >= restartingAfterLooks) {
                box.status = "restarting";
                box.exitCode = box.flapping;
            }
        }
        return Optional.of(state(box));
    }

    @Override
    public synchronized List<ContainerState> findContainers(Map<String, String> labels) {
        List<Box> found = containers.values().stream().filter(b -> has(b.spec.labels(), labels)).toList();
        found.forEach(b -> refuseLookWhileHeld(b.name));
        return found.stream().map(FakeRuntime::state).toList();
    }

    private void refuseLookWhileHeld(String name) {
        if (heldByEngine.contains(name)) {
            throw new IllegalStateException("a look at " + name + " would wait until the engine's operation on it ends");
        }
    }

    @Override
    public synchronized List<ListedContainer> listContainers(Map<String, String> labels) {
        return containers.values().stream().filter(b -> has(b.spec.labels(), labels)).map(FakeRuntime::state)
                .map(ListedContainer::of).toList();
    }

    @Override
    public synchronized Map<String, ResourceUsage> usage(Map<String, String> labels) {
        Map<String, ResourceUsage> out = new java.util.LinkedHashMap<>();
        containers.values().stream().filter(b -> has(b.spec.labels(), labels) && "running".equals(b.status))
                .forEach(b -> out.put(b.name, new ResourceUsage(0, 1 << 20, b.spec.memoryBytes(),
                        java.time.Instant.EPOCH)));
        return out;
    }

    @Override
    public boolean removeContainer(String name, Map<String, String> ownerLabels) {
        Box box;
        synchronized (this) {
            box = containers.get(name);
            if (box == null) {
                return false;
            }
            owned(box, ownerLabels);
            calls.add("remove " + name);
            containers.remove(name);
        }
        if ("running".equals(box.status)) {
            emit(box, "die", 137);
        }
        emit(box, "destroy", 0);
        return true;
    }

    @Override
    public void stopContainer(String name, Map<String, String> ownerLabels, Duration grace) {
        Box box = mutate(name, ownerLabels, "stop");
        boolean wasRunning;
        synchronized (this) {
            wasRunning = !"exited".equals(box.status);
            box.status = "exited";
            box.exitCode = 0;
        }
        if (wasRunning) {
            emit(box, "die", 0);
        }
    }

    @Override
    public void startContainer(String name, Map<String, String> ownerLabels) {
        Box box = mutate(name, ownerLabels, "start");
        synchronized (this) {
            Integer exit = exitAtStart.get(box.spec.image());
            box.status = exit == null ? "running" : "exited";
            box.exitCode = exit == null ? 0 : exit;
        }
        emit(box, "start", 0);
    }

    @Override
    public void pauseContainer(String name, Map<String, String> ownerLabels) {
        Box box = mutate(name, ownerLabels, "pause");
        box.status = "paused";
        emit(box, "pause", 0);
    }

    @Override
    public void unpauseContainer(String name, Map<String, String> ownerLabels) {
        Box box = mutate(name, ownerLabels, "unpause");
        box.status = "running";
        emit(box, "unpause", 0);
    }

    @Override
    public AutoCloseable watchContainers(Map<String, String> labels, Consumer<ContainerEvent> events) {
        Consumer<ContainerEvent> filtered = e -> {
            if (has(e.labels(), labels)) {
                events.accept(e);
            }
        };
        watchers.add(filtered);
        return () -> watchers.remove(filtered);
    }

    // --- test helpers -------------------------------------------------------------------------------------

    /** Puts a container straight into the fake (e.g. a foreign one, or one left from an earlier agent run). */
    public synchronized Box put(String name, String image, Map<String, String> labels, String status) {
        ContainerSpec spec = new ContainerSpec(name, image, Map.copyOf(labels), Map.of(), 0, 0, "streamspace",
                List.of(), List.of(), "127.0.0.1", "unless-stopped", true, 512);
        Box box = new Box("c" + (++ids), spec);
        box.status = status;
        containers.put(name, box);
        return box;
    }

    /** The container crashes: status exited and a {@code die} event with the exit code. */
    public void crash(String name, int exitCode) {
        Box box;
        synchronized (this) {
            box = containers.get(name);
            box.status = "exited";
            box.exitCode = exitCode;
        }
        emit(box, "die", exitCode);
    }

    public void emit(Box box, String action, int exitCode) {
        ContainerEvent event = new ContainerEvent(box.name, action, box.spec.labels(), exitCode);
        watchers.forEach(w -> w.accept(event));
    }

    public synchronized Box box(String name) {
        return containers.get(name);
    }

    private Box mutate(String name, Map<String, String> ownerLabels, String what) {
        synchronized (this) {
            Box box = containers.get(name);
            if (box == null) {
                throw new RuntimeOperationException("No such container: " + name);
            }
            owned(box, ownerLabels);
            calls.add(what + " " + name);
            return box;
        }
    }

    private static void owned(Box box, Map<String, String> ownerLabels) {
        if (!has(box.spec.labels(), ownerLabels)) {
            throw new RuntimeOperationException("container " + box.name + " is not ours");
        }
    }

    private static boolean has(Map<String, String> labels, Map<String, String> wanted) {
        return labels != null && labels.entrySet().containsAll(wanted.entrySet());
    }

    private static ContainerState state(Box b) {
        Map<Integer, Integer> published = new LinkedHashMap<>();
        int host = 32768;
        for (PortSpec p : b.spec.ports()) {
            published.put(p.containerPort(), host++);
        }
        return new ContainerState(b.id, b.name, b.spec.image(), b.spec.labels(), b.status, b.exitCode,
                "running".equals(b.status) ? "172.18.0." + (b.id.hashCode() % 200 + 2) : "",
                "running".equals(b.status) ? published : Map.of(), b.error, b.restartCount);
    }

    /** Volumes created in order, for assertions. */
    public synchronized List<String> volumeNames() {
        return new ArrayList<>(volumes.keySet());
    }
}
