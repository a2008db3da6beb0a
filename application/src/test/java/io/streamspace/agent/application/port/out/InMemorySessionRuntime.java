package io.streamspace.agent.application.port.out;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An in-memory {@link SessionRuntime} that behaves like the Docker adapter for everything
 * {@link SessionRuntimeContract} checks: exact names, owner-label refusals (a foreign object is never changed),
 * idempotent ensure/remove, container states and the events a Docker engine would emit.
 *
 * <p>Tests steer it: {@link #withImage} (present locally), {@link #withPullableImage} (in the "registry"),
 * {@link #failNextStart}, {@link #exitImmediately}, {@link #crash} (a container dies on its own),
 * {@link #emit} (a raw event), and {@code addForeign*} to put objects next to the agent's that it must not touch.
 * Thread-safe; events are delivered on the calling thread after the change, outside the internal lock.
 */
public final class InMemorySessionRuntime implements SessionRuntime {

    /** What {@link #failNextStart} makes the next start fail with (the message prefix). */
    public static final String START_FAILURE_PREFIX = "Fake engine refused to start container ";

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, NetworkRef> networks = new LinkedHashMap<>();
    private final Map<String, VolumeRef> volumes = new LinkedHashMap<>();
    private final Map<String, FakeContainer> containers = new LinkedHashMap<>();
    private final Set<String> presentImages = new HashSet<>();
    private final Set<String> pullableImages = new HashSet<>();
    private final Map<String, Integer> exitingImages = new HashMap<>();
    private final Deque<String> startFailures = new ArrayDeque<>();
    private final List<String> pulls = new ArrayList<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private int nextHostPort = 32768;
    private int nextIp = 2;

    private record Watcher(Map<String, String> labels, Consumer<ContainerEvent> consumer) {}

    private static final class FakeContainer {
        final String id = UUID.randomUUID().toString().replace("-", "") + "0".repeat(32);
        final ContainerSpec spec;
        final String ipAddress;
        String status = "created";
        long cpuNanos;
        int exitCode;
        String error = "";
        Map<Integer, Integer> publishedPorts = Map.of();

        FakeContainer(ContainerSpec spec, String ipAddress) {
            this.spec = spec;
            this.ipAddress = ipAddress;
        }
    }

    // --- steering --------------------------------------------------------------------------------------------

    /** Marks images as present locally. */
    public InMemorySessionRuntime withImage(String... images) {
        locked(() -> {
            for (String image : images) {
                presentImages.add(normalise(image));
            }
        });
        return this;
    }

    /** Puts images into the fake registry: {@link #pullImage} makes them present. */
    public InMemorySessionRuntime withPullableImage(String... images) {
        locked(() -> {
            for (String image : images) {
                pullableImages.add(normalise(image));
            }
        });
        return this;
    }

    /** Containers of this image exit with {@code exitCode} right after they start (emitting {@code die}). */
    public InMemorySessionRuntime exitImmediately(String image, int exitCode) {
        locked(() -> exitingImages.put(normalise(image), exitCode));
        return this;
    }

    /** The next {@link #createAndStart} fails at the start step with this reason; nothing is left behind. */
    public void failNextStart(String reason) {
        locked(() -> startFailures.add(reason));
    }

    /** A running container dies on its own (OOM, crash): it becomes exited and {@code die} is emitted. */
    public void crash(String name, int exitCode) {
        List<ContainerEvent> events = new ArrayList<>();
        locked(() -> {
            FakeContainer c = containers.get(name);
            if (c == null || !(c.status.equals("running") || c.status.equals("paused"))) {
                throw new IllegalStateException("no running container " + name + " to crash");
            }
            exit(c, exitCode, events);
        });
        publish(events);
    }

    /** Delivers a raw event to every watcher whose labels it carries. */
    public void emit(ContainerEvent event) {
        publish(List.of(event));
    }

    /** A network somebody else made: carries {@code labels}, which should not include the agent's owner labels. */
    public void addForeignNetwork(String name, Map<String, String> labels) {
        locked(() -> {
            requireFree(networks.containsKey(name), "network", name);
            networks.put(name, new NetworkRef(newId(), name, Map.copyOf(labels)));
        });
    }

    public void addForeignVolume(String name, Map<String, String> labels) {
        locked(() -> {
            requireFree(volumes.containsKey(name), "volume", name);
            volumes.put(name, new VolumeRef(name, "local", Map.copyOf(labels)));
        });
    }

    /** A running container somebody else made. */
    public void addForeignContainer(String name, String image, Map<String, String> labels) {
        locked(() -> {
            requireFree(containers.containsKey(name), "container", name);
            FakeContainer c = new FakeContainer(new ContainerSpec(name, image, Map.copyOf(labels), Map.of(), 0, 0,
                    "", List.of(), List.of(), "127.0.0.1", "no", false, 0), "172.31.0.1");
            c.status = "running";
            containers.put(name, c);
        });
    }

    /** Images pulled so far, in order. */
    public List<String> pulls() {
        return locked(() -> List.copyOf(pulls));
    }

    /** The spec a container was created with (what the Docker adapter would have sent to the engine). */
    public Optional<ContainerSpec> specOf(String name) {
        return locked(() -> Optional.ofNullable(containers.get(name)).map(c -> c.spec));
    }

    // --- SessionRuntime -----------------------------------------------------------------------------------

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo("in-memory", "1.41", "linux/fake");
    }

    @Override
    public NetworkRef ensureNetwork(String name, Map<String, String> ownerLabels) {
        requireText(name, "network name");
        requireOwnerLabels(ownerLabels);
        return locked(() -> {
            NetworkRef existing = networks.get(name);
            if (existing != null) {
                if (!carries(existing.labels(), ownerLabels)) {
                    throw notOurs("Network", name, existing.labels(), ownerLabels);
                }
                return existing;
            }
            NetworkRef created = new NetworkRef(newId(), name, Map.copyOf(ownerLabels));
            networks.put(name, created);
            return created;
        });
    }

    @Override
    public List<NetworkRef> findNetworks(Map<String, String> labels) {
        return locked(() -> networks.values().stream().filter(n -> carries(n.labels(), labels)).toList());
    }

    @Override
    public boolean removeNetwork(String name, Map<String, String> ownerLabels) {
        requireText(name, "network name");
        requireOwnerLabels(ownerLabels);
        return locked(() -> {
            NetworkRef existing = networks.get(name);
            if (existing == null) {
                return false;
            }
            if (!carries(existing.labels(), ownerLabels)) {
                throw notOurs("Network", name, existing.labels(), ownerLabels);
            }
            boolean inUse = containers.values().stream()
                    .anyMatch(c -> name.equals(c.spec.network()) && !c.status.equals("exited") && !c.status.equals("created"));
            if (inUse) {
                throw new RuntimeOperationException("Fake engine refused to remove network " + name
                        + ": network " + name + " has active endpoints");
            }
            networks.remove(name);
            return true;
        });
    }

    @Override
    public boolean imagePresent(String image) {
        requireText(image, "image");
        return locked(() -> presentImages.contains(normalise(image)));
    }

    @Override
    public void pullImage(String image, Consumer<String> progress) throws InterruptedException {
        requireText(image, "image");
        if (Thread.interrupted()) {
            throw new InterruptedException("pull of " + image + " interrupted");
        }
        String key = normalise(image);
        boolean pullable = locked(() -> {
            pulls.add(image);
            if (!pullableImages.contains(key)) {
                return false;
            }
            presentImages.add(key);
            return true;
        });
        if (!pullable) {
            throw new RuntimeOperationException("Image " + image + " not found and could not be pulled from "
                    + registryOf(image) + ": manifest for " + key + " not found in the fake registry");
        }
        progress.accept("Pulling from " + key);
        progress.accept("Status: Downloaded newer image for " + key);
    }

    @Override
    public VolumeRef ensureVolume(String name, String driver, Map<String, String> ownerLabels) {
        requireText(name, "volume name");
        requireOwnerLabels(ownerLabels);
        String wantedDriver = driver == null || driver.isBlank() ? "local" : driver;
        return locked(() -> {
            VolumeRef existing = volumes.get(name);
            if (existing != null) {
                if (!carries(existing.labels(), ownerLabels)) {
                    throw notOurs("Volume", name, existing.labels(), ownerLabels);
                }
                if (!existing.driver().equals(wantedDriver)) {
                    throw new RuntimeOperationException("Volume '" + name + "' exists with driver '" + existing.driver()
                            + "', not the requested '" + wantedDriver + "'; leaving it as it is");
                }
                return existing;
            }
            VolumeRef created = new VolumeRef(name, wantedDriver, Map.copyOf(ownerLabels));
            volumes.put(name, created);
            return created;
        });
    }

    @Override
    public List<VolumeRef> findVolumes(Map<String, String> labels) {
        return locked(() -> volumes.values().stream().filter(v -> carries(v.labels(), labels)).toList());
    }

    @Override
    public boolean removeVolume(String name, Map<String, String> ownerLabels) {
        requireText(name, "volume name");
        requireOwnerLabels(ownerLabels);
        return locked(() -> {
            VolumeRef existing = volumes.get(name);
            if (existing == null) {
                return false;
            }
            if (!carries(existing.labels(), ownerLabels)) {
                throw notOurs("Volume", name, existing.labels(), ownerLabels);
            }
            List<String> users = containers.values().stream()
                    .filter(c -> c.spec.mounts().stream().anyMatch(m -> m.volumeName().equals(name)))
                    .map(c -> c.id)
                    .toList();
            if (!users.isEmpty()) {
                throw new RuntimeOperationException("Fake engine refused to remove volume " + name
                        + ": remove " + name + ": volume is in use - " + users);
            }
            volumes.remove(name);
            return true;
        });
    }

    @Override
    public ContainerState createAndStart(ContainerSpec spec) {
        requireText(spec.name(), "container name");
        requireText(spec.image(), "image");
        requireOwnerLabels(spec.labels());
        List<ContainerEvent> events = new ArrayList<>();
        ContainerState state = locked(() -> {
            String name = spec.name();
            FakeContainer there = containers.get(name);
            if (there != null) {
                throw new RuntimeOperationException("Container '" + name + "' already exists (id "
                        + there.id.substring(0, 12) + ", " + there.status
                        + (carries(there.spec.labels(), spec.labels()) ? ", ours" : ", not managed by this agent")
                        + "); not creating another");
            }
            for (Mount mount : spec.mounts()) {
                if (!volumes.containsKey(mount.volumeName())) {
                    throw new RuntimeOperationException("Volume '" + mount.volumeName() + "' for " + mount.path()
                            + " of container '" + name + "' does not exist; create it first");
                }
            }
            if (!presentImages.contains(normalise(spec.image()))) {
                throw new RuntimeOperationException("Cannot create container '" + name + "': image " + spec.image()
                        + " is not present on the fake engine (pull it first)");
            }
            if (spec.network() != null && !spec.network().isBlank() && !networks.containsKey(spec.network())) {
                throw new RuntimeOperationException("Fake engine refused to create container " + name
                        + ": network " + spec.network() + " not found");
            }
            String reason = startFailures.poll();
            if (reason != null) {
                throw new RuntimeOperationException(START_FAILURE_PREFIX + name + ": " + reason);
            }
            FakeContainer c = new FakeContainer(spec, "172.30." + (nextIp / 250) + "." + (2 + nextIp++ % 250));
            containers.put(name, c);
            events.add(event(name, "create", spec.labels(), -1));
            run(c, events);
            Integer exitCode = exitingImages.get(normalise(spec.image()));
            if (exitCode != null) {
                exit(c, exitCode, events);
            }
            return stateOf(c);
        });
        publish(events);
        return state;
    }

    @Override
    public Optional<ContainerState> inspect(String name) {
        requireText(name, "container name");
        return locked(() -> Optional.ofNullable(containers.get(name)).map(InMemorySessionRuntime::stateOf));
    }

    @Override
    public List<ContainerState> findContainers(Map<String, String> labels) {
        return locked(() -> containers.values().stream()
                .filter(c -> carries(c.spec.labels(), labels))
                .map(InMemorySessionRuntime::stateOf)
                .toList());
    }

    @Override
    public List<ListedContainer> listContainers(Map<String, String> labels) {
        return findContainers(labels).stream().map(ListedContainer::of).toList();
    }

    /** A fake reading: memory is half the limit (1 MiB without one); CPU time grows by 1 ms per reading. */
    @Override
    public Map<String, ResourceUsage> usage(Map<String, String> labels) {
        return locked(() -> {
            Map<String, ResourceUsage> out = new java.util.LinkedHashMap<>();
            for (var c : containers.values()) {
                if (carries(c.spec.labels(), labels) && c.status.equals("running")) {
                    c.cpuNanos += 1_000_000;
                    long memory = c.spec.memoryBytes() > 0 ? c.spec.memoryBytes() / 2 : 1 << 20;
                    out.put(c.spec.name(), new ResourceUsage(c.cpuNanos, memory, c.spec.memoryBytes(),
                            java.time.Instant.now()));
                }
            }
            return out;
        });
    }

    @Override
    public boolean removeContainer(String name, Map<String, String> ownerLabels) {
        requireText(name, "container name");
        requireOwnerLabels(ownerLabels);
        List<ContainerEvent> events = new ArrayList<>();
        boolean removed = locked(() -> {
            FakeContainer c = containers.get(name);
            if (c == null) {
                return false;
            }
            if (!carries(c.spec.labels(), ownerLabels)) {
                throw notOurs("Container", name, c.spec.labels(), ownerLabels);
            }
            if (c.status.equals("running") || c.status.equals("paused")) {
                events.add(event(name, "kill", c.spec.labels(), -1));
                exit(c, 137, events);
            }
            containers.remove(name);
            events.add(event(name, "destroy", c.spec.labels(), -1));
            return true;
        });
        publish(events);
        return removed;
    }

    @Override
    public void stopContainer(String name, Map<String, String> ownerLabels, Duration grace) {
        List<ContainerEvent> events = new ArrayList<>();
        locked(() -> {
            FakeContainer c = owned(name, ownerLabels, "stop");
            if (c.status.equals("running") || c.status.equals("paused")) {
                events.add(event(name, "kill", c.spec.labels(), -1));
                exit(c, 0, events); // like a session that ends on SIGTERM
                events.add(event(name, "stop", c.spec.labels(), -1));
            }
        });
        publish(events);
    }

    @Override
    public void startContainer(String name, Map<String, String> ownerLabels) {
        List<ContainerEvent> events = new ArrayList<>();
        locked(() -> {
            FakeContainer c = owned(name, ownerLabels, "start");
            switch (c.status) {
                case "running" -> { } // already running: nothing to do
                case "paused" -> throw new RuntimeOperationException("Fake engine refused to start container " + name
                        + ": cannot start a paused container, try unpause instead");
                default -> {
                    run(c, events);
                    Integer exitCode = exitingImages.get(normalise(c.spec.image()));
                    if (exitCode != null) {
                        exit(c, exitCode, events);
                    }
                }
            }
        });
        publish(events);
    }

    @Override
    public void pauseContainer(String name, Map<String, String> ownerLabels) {
        List<ContainerEvent> events = new ArrayList<>();
        locked(() -> {
            FakeContainer c = owned(name, ownerLabels, "pause");
            if (!c.status.equals("running")) {
                throw new RuntimeOperationException("Fake engine refused to pause container " + name
                        + ": Container " + c.id + " is not running");
            }
            c.status = "paused";
            events.add(event(name, "pause", c.spec.labels(), -1));
        });
        publish(events);
    }

    @Override
    public void unpauseContainer(String name, Map<String, String> ownerLabels) {
        List<ContainerEvent> events = new ArrayList<>();
        locked(() -> {
            FakeContainer c = owned(name, ownerLabels, "unpause");
            if (!c.status.equals("paused")) {
                throw new RuntimeOperationException("Fake engine refused to unpause container " + name
                        + ": Container " + c.id + " is not paused");
            }
            c.status = "running";
            events.add(event(name, "unpause", c.spec.labels(), -1));
        });
        publish(events);
    }

    @Override
    public AutoCloseable watchContainers(Map<String, String> labels, Consumer<ContainerEvent> events) {
        requireOwnerLabels(labels);
        Watcher watcher = new Watcher(Map.copyOf(labels), events);
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    // --- internals ----------------------------------------------------------------------------------------

    private void run(FakeContainer c, List<ContainerEvent> events) {
        Map<Integer, Integer> published = new TreeMap<>();
        for (PortSpec port : c.spec.ports()) {
            if (port.protocol() == null || port.protocol().isBlank() || port.protocol().equalsIgnoreCase("tcp")) {
                published.put(port.containerPort(), nextHostPort++);
            }
        }
        c.publishedPorts = Map.copyOf(published);
        c.status = "running";
        c.exitCode = 0;
        c.error = "";
        events.add(event(c.spec.name(), "start", c.spec.labels(), -1));
    }

    private static void exit(FakeContainer c, int exitCode, List<ContainerEvent> events) {
        c.status = "exited";
        c.exitCode = exitCode;
        c.publishedPorts = Map.of();
        events.add(event(c.spec.name(), "die", c.spec.labels(), exitCode));
    }

    private FakeContainer owned(String name, Map<String, String> ownerLabels, String action) {
        requireText(name, "container name");
        requireOwnerLabels(ownerLabels);
        FakeContainer c = containers.get(name);
        if (c == null) {
            throw new RuntimeOperationException("Cannot " + action + " container '" + name
                    + "': no such container on the fake engine");
        }
        if (!carries(c.spec.labels(), ownerLabels)) {
            throw notOurs("Container", name, c.spec.labels(), ownerLabels);
        }
        return c;
    }

    private static ContainerState stateOf(FakeContainer c) {
        boolean attached = c.status.equals("running") || c.status.equals("paused");
        return new ContainerState(c.id, c.spec.name(), c.spec.image(), Map.copyOf(c.spec.labels()), c.status,
                c.exitCode, attached ? c.ipAddress : "", c.publishedPorts, c.error);
    }

    private static ContainerEvent event(String name, String action, Map<String, String> labels, int exitCode) {
        return new ContainerEvent(name, action, Map.copyOf(labels), exitCode);
    }

    private void publish(List<ContainerEvent> events) {
        for (ContainerEvent event : events) {
            for (Watcher watcher : watchers) {
                if (carries(event.labels(), watcher.labels())) {
                    watcher.consumer().accept(event);
                }
            }
        }
    }

    private static RuntimeOperationException notOurs(String kind, String name, Map<String, String> actual,
                                                     Map<String, String> ownerLabels) {
        return new RuntimeOperationException(kind + " '" + name + "' exists but is not managed by this agent: it lacks"
                + " the owner labels " + ownerLabels + " (it has " + actual + "); leaving it untouched.");
    }

    private static void requireFree(boolean taken, String kind, String name) {
        if (taken) {
            throw new IllegalStateException("a " + kind + " named " + name + " exists already");
        }
    }

    private static boolean carries(Map<String, String> actual, Map<String, String> labels) {
        return labels.entrySet().stream().allMatch(e -> e.getValue().equals(actual.get(e.getKey())));
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static void requireOwnerLabels(Map<String, String> ownerLabels) {
        if (ownerLabels == null || ownerLabels.isEmpty()) {
            throw new IllegalArgumentException(
                    "owner labels must not be empty: without them every object would count as the agent's own");
        }
    }

    /** {@code busybox} and {@code busybox:latest} are the same image. */
    static String normalise(String image) {
        if (image.contains("@")) {
            return image;
        }
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image : image + ":latest";
    }

    private static String registryOf(String image) {
        int slash = image.indexOf('/');
        if (slash > 0) {
            String first = image.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return first;
            }
        }
        return "docker.io";
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
