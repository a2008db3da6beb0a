package io.streamspace.agent.application.port.out;

import java.util.List;
import java.util.Map;

/**
 * The container runtime that hosts sessions (the Docker engine in production, an in-memory fake in tests).
 * Every mutating call is scoped by the owner labels it is given: an implementation must refuse to touch an
 * object that does not carry them.
 */
public interface SessionRuntime {

    /** What the engine says about itself; implementations log it once when they connect. */
    RuntimeInfo info();

    /** Creates the network with these labels unless a network of that name carrying them exists; returns it. */
    NetworkRef ensureNetwork(String name, Map<String, String> ownerLabels);

    /** Networks that carry all of these labels. */
    List<NetworkRef> findNetworks(Map<String, String> labels);

    /**
     * Removes a network the agent owns. Returns false when it is already gone; throws
     * {@link RuntimeOperationException} when it exists but does not carry the owner labels.
     */
    boolean removeNetwork(String name, Map<String, String> ownerLabels);

    // --- images -------------------------------------------------------------------------------------------

    /** Whether the image is present locally (no registry call). */
    boolean imagePresent(String image);

    /**
     * Pulls the image, honouring registry credentials from the standard Docker {@code config.json}. Never gives
     * up on a slow pull because of a timeout; reports progress lines to {@code progress}.
     *
     * @throws RuntimeOperationException when the image does not exist or cannot be pulled, with the registry's reason
     */
    void pullImage(String image, java.util.function.Consumer<String> progress) throws InterruptedException;

    // --- volumes ------------------------------------------------------------------------------------------

    /** Creates the volume with these labels unless an owned one of that name exists; refuses a foreign one. */
    VolumeRef ensureVolume(String name, String driver, Map<String, String> ownerLabels);

    List<VolumeRef> findVolumes(Map<String, String> labels);

    /** False when already gone; throws when it exists without the owner labels or is still in use. */
    boolean removeVolume(String name, Map<String, String> ownerLabels);

    // --- containers ---------------------------------------------------------------------------------------

    /**
     * Creates and starts a container. Throws when a container of that name exists (owned or not): the caller
     * decides what an existing one means. Every volume in {@link ContainerSpec#mounts()} must exist already
     * (see {@link #ensureVolume}). When the start fails, the container created for this attempt is removed
     * again. Returns the state right after the start: a container that exits at once may already be
     * {@code exited}, so callers wait for {@code running} themselves.
     */
    ContainerState createAndStart(ContainerSpec spec);

    /** The container of exactly this name, owned or not (check {@link ContainerState#labels()}). */
    java.util.Optional<ContainerState> inspect(String name);

    /** Containers (running or not) that carry all of these labels. */
    List<ContainerState> findContainers(Map<String, String> labels);

    /**
     * Containers (running or not) that carry all of these labels, as the engine's list shows them: one call, no
     * look at each. Unlike {@link #findContainers} (and {@link #inspect}) it never waits for a container the engine
     * is creating, starting or stopping: Docker holds a container's lock for the whole of such an operation, and an
     * inspect waits for it. For what needs no more than ids, names, images, labels, status and published ports
     * (capacity, the heartbeat's count, the periodic sweep, the status panel's overview).
     */
    List<ListedContainer> listContainers(Map<String, String> labels);

    /** Force-removes an owned container. False when already gone; throws when it is not ours. */
    boolean removeContainer(String name, Map<String, String> ownerLabels);

    /**
     * Stops an owned container (SIGTERM, then SIGKILL after {@code grace}); a stopped one is left alone. Throws
     * when there is no container of that name, like start, pause and unpause.
     */
    void stopContainer(String name, Map<String, String> ownerLabels, java.time.Duration grace);

    /** Starts an owned, stopped container; a running one is left alone. */
    void startContainer(String name, Map<String, String> ownerLabels);

    void pauseContainer(String name, Map<String, String> ownerLabels);

    void unpauseContainer(String name, Map<String, String> ownerLabels);

    /**
     * Follows the engine's container events for containers carrying these labels, from now on, until the
     * returned handle is closed. Reconnects by itself if the event stream breaks.
     */
    AutoCloseable watchContainers(Map<String, String> labels, java.util.function.Consumer<ContainerEvent> events);

    /**
     * Like {@link #watchContainers(Map, java.util.function.Consumer)}, but first replays what the engine recorded
     * since {@code sinceNanos} (an event's {@link ContainerEvent#timeNanos()}; 0: from now), so a watcher that was
     * away (a restarted sidecar, a broken stream) loses nothing. The event at exactly {@code sinceNanos} may come
     * again. A runtime that cannot replay watches from now.
     */
    default AutoCloseable watchContainers(Map<String, String> labels, long sinceNanos,
                                          java.util.function.Consumer<ContainerEvent> events) {
        return watchContainers(labels, events);
    }

    /**
     * @param runtime {@code docker} or {@code podman}: which engine answers behind the Docker API (Podman's
     *                compat service reports its own product version with the compat API version it emulates)
     */
    record RuntimeInfo(String engineVersion, String apiVersion, String operatingSystem, String runtime) {
        /** An engine that is Docker. */
        public RuntimeInfo(String engineVersion, String apiVersion, String operatingSystem) {
            this(engineVersion, apiVersion, operatingSystem, "docker");
        }
    }

    /**
     * CPU and memory in use by the running containers that carry all of these labels, by container name. Read-only;
     * containers that do not run are left out.
     */
    Map<String, ResourceUsage> usage(Map<String, String> labels);

    /**
     * One reading of a container's resource use.
     *
     * @param cpuTotalNanos    CPU time used since the container started, in nanoseconds (a counter: the rate
     *                         between two readings is the CPU in use)
     * @param memoryBytes      memory in use (the engine's usage without the page cache where it reports it)
     * @param memoryLimitBytes the container's memory limit; 0 when the engine reports none
     * @param readAt           when the engine took the reading
     */
    record ResourceUsage(long cpuTotalNanos, long memoryBytes, long memoryLimitBytes, java.time.Instant readAt) {}

    record VolumeRef(String name, String driver, Map<String, String> labels) {}

    /** A port the container listens on; published on {@code hostAddress} with a random host port. */
    record PortSpec(int containerPort, String protocol) {}

    /** A named volume mounted at {@code path}. */
    record Mount(String volumeName, String path) {}

    /**
     * Everything needed to run one session container.
     *
     * @param memoryBytes 0 for no limit
     * @param nanoCpus    0 for no limit (1 core = 1_000_000_000)
     * @param pidsLimit   0 for no limit
     */
    record ContainerSpec(String name, String image, Map<String, String> labels, Map<String, String> environment,
                         long memoryBytes, long nanoCpus, String network, List<Mount> mounts, List<PortSpec> ports,
                         String hostAddress, String restartPolicy, boolean noNewPrivileges, long pidsLimit) {}

    /**
     * A container as the engine reports it.
     *
     * @param status         created, running, paused, restarting, exited, dead
     * @param publishedPorts container port (tcp) to host port
     * @param error          the engine's {@code State.Error}, empty when none
     * @param restartCount   how often the engine's restart policy restarted it (its {@code RestartCount}); a
     *                       change between two looks means it exited and came back in between
     * @param oomKilled      the engine killed its last run for exceeding the memory limit ({@code State.OOMKilled}):
     *                       known after the fact, also when nobody watched the events then
     */
    record ContainerState(String id, String name, String image, Map<String, String> labels, String status,
                          int exitCode, String ipAddress, Map<Integer, Integer> publishedPorts, String error,
                          int restartCount, boolean oomKilled) {

        /** A container that was never restarted by the engine. */
        public ContainerState(String id, String name, String image, Map<String, String> labels, String status,
                              int exitCode, String ipAddress, Map<Integer, Integer> publishedPorts, String error) {
            this(id, name, image, labels, status, exitCode, ipAddress, publishedPorts, error, 0, false);
        }

        /** A container that was not killed for memory. */
        public ContainerState(String id, String name, String image, Map<String, String> labels, String status,
                              int exitCode, String ipAddress, Map<Integer, Integer> publishedPorts, String error,
                              int restartCount) {
            this(id, name, image, labels, status, exitCode, ipAddress, publishedPorts, error, restartCount, false);
        }

        public boolean running() {
            return "running".equals(status);
        }
    }

    /**
     * A container as the engine's list shows it.
     *
     * @param image          the image it was created from, as requested (like {@link ContainerState#image()}); Docker's
     *                       list shows the image's id instead when that name has since been given to another image
     * @param status         created, running, paused, restarting, exited, dead, as in {@link ContainerState}; between
     *                       two runs of a restart policy Podman's list shows {@code exited} where an inspect shows
     *                       {@code restarting}
     * @param publishedPorts container port (tcp) to host port, as in {@link ContainerState}: only while it runs or is
     *                       paused
     */
    record ListedContainer(String id, String name, String image, Map<String, String> labels, String status,
                           Map<Integer, Integer> publishedPorts) {

        public ListedContainer {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            // a sidecar of an earlier version sends no ports
            publishedPorts = publishedPorts == null ? Map.of() : Map.copyOf(publishedPorts);
        }

        /** What the list shows of a container that a look at it ({@link #inspect}) found so. */
        public static ListedContainer of(ContainerState looked) {
            return new ListedContainer(looked.id(), looked.name(), looked.image(), looked.labels(), looked.status(),
                    looked.publishedPorts());
        }

        public boolean running() {
            return "running".equals(status);
        }
    }

    /**
     * A container event: {@code action} is Docker's (create, start, die, oom, kill, stop, pause, unpause, destroy,
     * ...); {@code labels} are the container's labels; {@code exitCode} is the process's exit code on {@code die}
     * and -1 when the event carries none; {@code timeNanos} is when the engine recorded it (Unix time in
     * nanoseconds, 0 when unknown), the point a later watch can resume from.
     */
    record ContainerEvent(String containerName, String action, Map<String, String> labels, int exitCode,
                          long timeNanos) {
        /** An event without the engine's time (0). */
        public ContainerEvent(String containerName, String action, Map<String, String> labels, int exitCode) {
            this(containerName, action, labels, exitCode, 0);
        }
    }

    record NetworkRef(String id, String name, Map<String, String> labels) {}
}
