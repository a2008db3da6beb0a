package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.command.ListVolumesResponse;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.NetworkSettings;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Version;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SessionRuntime} on a Docker engine through docker-java.
 *
 * <p>Ownership: every mutating call is scoped by owner labels. An object with the requested name that does not
 * carry all of them is never adopted, changed or removed; the call fails with a {@link RuntimeOperationException}
 * instead.
 *
 * <p>Names are matched exactly: the engine's own name lookup also accepts ID prefixes and its name filter
 * matches substrings, so lookups list by name and compare in Java. Docker 20.10 (API 1.41) lets concurrent
 * creates make several networks of one name; {@link #ensureNetwork} serialises per name in this process and
 * converges on the oldest owned one when another process raced it.
 */
public final class DockerSessionRuntime implements SessionRuntime {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");
    static final String NETWORK_DRIVER = "bridge";
    private static final Comparator<Network> OLDEST_FIRST = Comparator
            .comparing((Network n) -> n.getCreated() == null ? new Date(Long.MAX_VALUE) : n.getCreated())
            .thenComparing(Network::getId);

    private final DockerClients clients;
    private final DockerClient docker;
    private final RuntimeInfo connectedTo;
    /**
     * Serialises ensure/remove per network name within this process (striped; ReentrantLock rather than
     * synchronized so virtual threads do not pin).
     */
    private final ReentrantLock[] nameLocks = new ReentrantLock[64];

    private final RegistryCredentials credentials;

    private DockerSessionRuntime(DockerClients clients, RuntimeInfo connectedTo, Path dockerConfigDir) {
        this.clients = clients;
        this.docker = clients.requests();
        this.connectedTo = connectedTo;
        this.credentials = new RegistryCredentials(dockerConfigDir);
        for (int i = 0; i < nameLocks.length; i++) {
            nameLocks[i] = new ReentrantLock();
        }
    }

    /**
     * Connects: reads the engine's version (which also proves it is reachable) and logs it once.
     *
     * @throws RuntimeOperationException "Cannot reach the Docker engine at ..." when the engine does not answer
     */
    public static DockerSessionRuntime connect(DockerClients clients) {
        return connect(clients, RegistryCredentials.defaultConfigDir());
    }

    /**
     * Like {@link #connect(DockerClients)}, with registry credentials read from {@code dockerConfigDir}/config.json
     * instead of {@code $DOCKER_CONFIG} or {@code ~/.docker}.
     */
    public static DockerSessionRuntime connect(DockerClients clients, Path dockerConfigDir) {
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(dockerConfigDir, "dockerConfigDir");
        RuntimeInfo info = readInfo(clients.requests(), clients.dockerHost());
        LOG.info("Docker engine {} (API {}, {}) at {}",
                info.engineVersion(), info.apiVersion(), info.operatingSystem(), clients.dockerHost());
        return new DockerSessionRuntime(clients, info, dockerConfigDir);
    }

    /**
     * Like {@link #connect(DockerClients)}, but an unreachable engine is not fatal: the error is logged once and
     * every later call fails with the same precise reason until the engine answers. The agent keeps its
     * control-plane link meanwhile, so commands are answered with that reason instead of silence.
     */
    public static DockerSessionRuntime open(DockerClients clients) {
        try {
            return connect(clients);
        } catch (RuntimeOperationException e) {
            LOG.error("{}; session commands will fail until the engine is reachable", e.getMessage());
            return new DockerSessionRuntime(clients, null,
                    RegistryCredentials.defaultConfigDir());
        }
    }

    /** What the engine reported when this runtime connected, or null when it could not be reached then. */
    public RuntimeInfo connectedTo() {
        return connectedTo;
    }

    /** The docker host string this runtime talks to. */
    public String dockerHost() {
        return clients.dockerHost();
    }

    /** Asks the engine again (its version may change when it is upgraded and restarted under us). */
    @Override
    public RuntimeInfo info() {
        return readInfo(docker, clients.dockerHost());
    }

    @Override
    public NetworkRef ensureNetwork(String name, Map<String, String> ownerLabels) {
        requireName(name);
        requireOwnerLabels(ownerLabels);
        ReentrantLock lock = lockFor(name);
        lock.lock();
        try {
            List<Network> existing = listByExactName(name);
            if (!existing.isEmpty()) {
                return converge(name, existing, ownerLabels);
            }
            try {
                call("create network " + name, () -> docker.createNetworkCmd()
                        .withName(name)
                        .withDriver(NETWORK_DRIVER)
                        .withLabels(ownerLabels)
                        .withCheckDuplicate(true)
                        .exec());
            } catch (RuntimeOperationException e) {
                if (!(e.getCause() instanceof ConflictException)) {
                    throw e;
                }
                // Created by someone else between our lookup and our create: judged below like any other.
            }
            // Look again: Docker before API 1.44 does not make CheckDuplicate atomic, so concurrent creators
            // (another process, another agent) can each get a network of the same name.
            return converge(name, listByExactName(name), ownerLabels);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Picks the one network of this name to use. Any same-named network without the owner labels makes the call
     * fail (it is never touched). Among owned duplicates left by a creation race, the oldest wins (ties by id, so
     * every racer picks the same one) and the others are removed when nothing uses them.
     */
    private NetworkRef converge(String name, List<Network> sameName, Map<String, String> ownerLabels) {
        for (Network network : sameName) {
            if (!carries(network, ownerLabels)) {
                throw notOurs(network, ownerLabels);
            }
        }
        if (sameName.isEmpty()) {
            throw new RuntimeOperationException("Network '" + name + "' disappeared from the Docker engine at "
                    + clients.dockerHost() + " right after it was created; something else removes it");
        }
        List<Network> oldestFirst = sameName.stream().sorted(OLDEST_FIRST).toList();
        Network keep = oldestFirst.get(0);
        for (Network duplicate : oldestFirst.subList(1, oldestFirst.size())) {
            try {
                call("remove duplicate network " + name, () -> docker.removeNetworkCmd(duplicate.getId()).exec());
                LOG.info("Removed duplicate network '{}' ({}); keeping {}", name, shortId(duplicate.getId()),
                        shortId(keep.getId()));
            } catch (RuntimeOperationException e) {
                if (!(e.getCause() instanceof NotFoundException)) {
                    LOG.warn("Duplicate network '{}' ({}) stays: {}", name, shortId(duplicate.getId()),
                            e.getMessage());
                }
            }
        }
        return toRef(keep);
    }

    @Override
    public List<NetworkRef> findNetworks(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        List<String> filter = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        List<Network> networks = call("list networks", () -> filter.isEmpty()
                ? docker.listNetworksCmd().exec()
                : docker.listNetworksCmd().withFilter("label", filter).exec());
        return networks.stream()
                .filter(n -> carries(n, labels)) // the engine filtered already; stay correct if one does not
                .map(DockerSessionRuntime::toRef)
                .toList();
    }

    @Override
    public boolean removeNetwork(String name, Map<String, String> ownerLabels) {
        requireName(name);
        requireOwnerLabels(ownerLabels);
        ReentrantLock lock = lockFor(name);
        lock.lock();
        try {
            List<Network> sameName = listByExactName(name);
            for (Network network : sameName) {
                if (!carries(network, ownerLabels)) {
                    throw notOurs(network, ownerLabels);
                }
            }
            boolean removed = false;
            for (Network network : sameName) {
                try {
                    call("remove network " + name, () -> docker.removeNetworkCmd(network.getId()).exec());
                    removed = true;
                } catch (RuntimeOperationException e) {
                    if (!(e.getCause() instanceof NotFoundException)) {
                        throw e; // e.g. "network ... has active endpoints": the engine's message says which
                    }
                }
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    // --- images -------------------------------------------------------------------------------------------

    @Override
    public boolean imagePresent(String image) {
        requireText(image, "image");
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw DockerErrors.translate("inspect image " + image, clients.dockerHost(), e);
        }
    }

    @Override
    public void pullImage(String image, Consumer<String> progress) throws InterruptedException {
        requireText(image, "image");
        Objects.requireNonNull(progress, "progress");
        ImageReference ref = ImageReference.parse(image);
        String registry = RegistryCredentials.registryOf(ref.repository());
        Optional<RegistryCredentials.Found> found = credentials.forRegistry(registry);
        String credentialNote = found.map(f -> "credentials: " + f.description())
                .orElse("no credentials for " + registry + " in " + credentials.configFile());
        LOG.info("Pulling image {} from {} ({})", image, registry, credentialNote);
        PullImageCmd cmd = clients.streams().pullImageCmd(ref.repository()).withTag(ref.tagOrDigest());
        found.ifPresent(f -> cmd.withAuthConfig(f.authConfig()));
        PullProgress callback = new PullProgress(progress);
        try {
            cmd.exec(callback);
            callback.awaitCompletion(); // no timeout: a slow pull is not a failed pull
        } catch (InterruptedException e) {
            closeQuietly(callback);
            throw e;
        } catch (RuntimeException e) {
            callback.onError(e);
        }
        Throwable failure = callback.failure;
        String reason = callback.errorMessage;
        if (failure != null && reason == null) {
            if (!(failure instanceof DockerException) && DockerErrors.hasIoCause(failure)) {
                throw DockerErrors.unreachable(clients.dockerHost(), failure);
            }
            reason = failure instanceof DockerException engine
                    ? DockerErrors.engineMessage(engine) + " (HTTP " + engine.getHttpStatus() + ")"
                    : DockerErrors.describe(DockerErrors.rootCause(failure));
        }
        if (reason == null && !imagePresent(image)) {
            reason = "the engine reported no error, but the image is not present afterwards";
        }
        if (reason != null) {
            throw new RuntimeOperationException("Image " + image + " not found and could not be pulled from "
                    + registry + " (" + credentialNote + "): " + oneLine(reason), failure);
        }
        LOG.info("Pulled image {}", image);
    }

    /** Collects the pull's first error; passes progress lines on, throttling the per-layer byte counters. */
    private static final class PullProgress extends ResultCallback.Adapter<PullResponseItem> {
        private static final long PROGRESS_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
        private final Consumer<String> progress;
        private long lastProgressAt = System.nanoTime() - PROGRESS_INTERVAL_NANOS;
        volatile Throwable failure;
        volatile String errorMessage;

        PullProgress(Consumer<String> progress) {
            this.progress = progress;
        }

        @Override
        public void onNext(PullResponseItem item) {
            if (item.getErrorDetail() != null || item.getError() != null) {
                if (errorMessage == null) {
                    errorMessage = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                            ? item.getErrorDetail().getMessage() : item.getError();
                }
                return;
            }
            String status = item.getStatus();
            if (status == null) {
                return;
            }
            boolean counter = status.startsWith("Downloading") || status.startsWith("Extracting")
                    || status.startsWith("Waiting") || status.startsWith("Verifying");
            long now = System.nanoTime();
            if (counter && now - lastProgressAt < PROGRESS_INTERVAL_NANOS) {
                return;
            }
            if (counter) {
                lastProgressAt = now;
            }
            StringBuilder line = new StringBuilder();
            if (item.getId() != null) {
                line.append(item.getId()).append(": ");
            }
            line.append(status);
            if (counter && item.getProgress() != null) {
                line.append(' ').append(item.getProgress().strip());
            }
            try {
                progress.accept(line.toString());
            } catch (RuntimeException e) {
                LOG.debug("pull progress consumer failed: {}", e.toString());
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // Adapter.onError would log at ERROR; the caller turns this into one precise exception instead.
            if (failure == null) {
                failure = throwable;
            }
            closeQuietly(this);
        }
    }

    /** {@code repo[:tag][@digest]} split the way the engine's pull API wants it. */
    record ImageReference(String repository, String tagOrDigest) {
        static ImageReference parse(String image) {
            int at = image.indexOf('@');
            if (at >= 0) {
                String repo = image.substring(0, at);
                int colon = repo.lastIndexOf(':');
                if (colon > repo.lastIndexOf('/')) {
                    repo = repo.substring(0, colon); // repo:tag@digest: the digest wins, as with docker pull
                }
                return new ImageReference(repo, image.substring(at + 1));
            }
            int colon = image.lastIndexOf(':');
            if (colon > image.lastIndexOf('/')) {
                return new ImageReference(image.substring(0, colon), image.substring(colon + 1));
            }
            return new ImageReference(image, "latest");
        }
    }

    // --- volumes ------------------------------------------------------------------------------------------

    @Override
    public VolumeRef ensureVolume(String name, String driver, Map<String, String> ownerLabels) {
        requireText(name, "volume name");
        requireOwnerLabels(ownerLabels);
        String wantedDriver = driver == null || driver.isBlank() ? "local" : driver;
        ReentrantLock lock = lockFor("volume:" + name);
        lock.lock();
        try {
            Optional<InspectVolumeResponse> existing = inspectVolume(name);
            if (existing.isEmpty()) {
                call("create volume " + name, () -> docker.createVolumeCmd()
                        .withName(name)
                        .withDriver(wantedDriver)
                        .withLabels(ownerLabels)
                        .exec());
                // The engine returns an existing volume of that name instead of failing: judge what is there now.
                existing = inspectVolume(name);
                if (existing.isEmpty()) {
                    throw new RuntimeOperationException("Volume '" + name + "' disappeared from the Docker engine at "
                            + clients.dockerHost() + " right after it was created; something else removes it");
                }
            }
            InspectVolumeResponse volume = existing.get();
            if (!carries(labelsOf(volume), ownerLabels)) {
                throw notOurs("Volume", name, labelsOf(volume), ownerLabels, "configure another name");
            }
            if (!wantedDriver.equals(volume.getDriver())) {
                throw new RuntimeOperationException("Volume '" + name + "' exists with driver '" + volume.getDriver()
                        + "', not the requested '" + wantedDriver + "'; leaving it as it is");
            }
            return toRef(volume);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<VolumeRef> findVolumes(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        List<String> filter = labelFilter(labels);
        ListVolumesResponse response = call("list volumes", () -> filter.isEmpty()
                ? docker.listVolumesCmd().exec()
                : docker.listVolumesCmd().withFilter("label", filter).exec());
        List<InspectVolumeResponse> volumes = response.getVolumes() == null ? List.of() : response.getVolumes();
        return volumes.stream()
                .filter(v -> carries(labelsOf(v), labels))
                .map(DockerSessionRuntime::toRef)
                .toList();
    }

    @Override
    public boolean removeVolume(String name, Map<String, String> ownerLabels) {
        requireText(name, "volume name");
        requireOwnerLabels(ownerLabels);
        ReentrantLock lock = lockFor("volume:" + name);
        lock.lock();
        try {
            Optional<InspectVolumeResponse> existing = inspectVolume(name);
            if (existing.isEmpty()) {
                return false;
            }
            if (!carries(labelsOf(existing.get()), ownerLabels)) {
                throw notOurs("Volume", name, labelsOf(existing.get()), ownerLabels, "remove it by hand if it is stale");
            }
            try {
                call("remove volume " + name, () -> docker.removeVolumeCmd(name).exec());
                return true;
            } catch (RuntimeOperationException e) {
                if (e.getCause() instanceof NotFoundException) {
                    return false;
                }
                throw e; // e.g. "volume is in use - [container ids]": the engine's message says which
            }
        } finally {
            lock.unlock();
        }
    }

    private Optional<InspectVolumeResponse> inspectVolume(String name) {
        try {
            return Optional.of(docker.inspectVolumeCmd(name).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw DockerErrors.translate("inspect volume " + name, clients.dockerHost(), e);
        }
    }

    private static VolumeRef toRef(InspectVolumeResponse volume) {
        return new VolumeRef(volume.getName(), volume.getDriver(), Map.copyOf(labelsOf(volume)));
    }

    private static Map<String, String> labelsOf(InspectVolumeResponse volume) {
        return volume.getLabels() == null ? Map.of() : volume.getLabels();
    }

    // --- containers ---------------------------------------------------------------------------------------

    @Override
    public ContainerState createAndStart(ContainerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        String name = spec.name();
        requireText(name, "container name");
        requireText(spec.image(), "image");
        requireOwnerLabels(spec.labels());
        ReentrantLock lock = lockFor("container:" + name);
        lock.lock();
        try {
            Optional<ContainerState> existing = inspect(name);
            if (existing.isPresent()) {
                ContainerState there = existing.get();
                throw new RuntimeOperationException("Container '" + name + "' already exists (id " + shortId(there.id())
                        + ", " + there.status() + (carries(there.labels(), spec.labels()) ? ", ours" : ", not managed by this agent")
                        + "); not creating another");
            }
            for (Mount mount : spec.mounts()) {
                if (inspectVolume(mount.volumeName()).isEmpty()) {
                    throw new RuntimeOperationException("Volume '" + mount.volumeName() + "' for " + mount.path()
                            + " of container '" + name + "' does not exist; create it first (the engine would make an"
                            + " unlabelled one)");
                }
            }
            CreateContainerResponse created;
            try {
                created = docker.createContainerCmd(spec.image())
                        .withName(name)
                        .withLabels(spec.labels())
                        .withEnv(spec.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                        .withExposedPorts(spec.ports().stream().map(DockerSessionRuntime::exposed).toList())
                        .withHostConfig(hostConfig(spec))
                        .exec();
            } catch (NotFoundException e) {
                if (!DockerErrors.engineMessage(e).contains("No such image")) {
                    throw DockerErrors.translate("create container " + name, clients.dockerHost(), e);
                }
                throw new RuntimeOperationException("Cannot create container '" + name + "': image " + spec.image()
                        + " is not present on the Docker engine at " + clients.dockerHost() + " (pull it first)", e);
            } catch (RuntimeException e) {
                throw DockerErrors.translate("create container " + name, clients.dockerHost(), e);
            }
            if (created.getWarnings() != null) {
                for (String warning : created.getWarnings()) {
                    LOG.warn("Creating container '{}': {}", name, warning);
                }
            }
            try {
                docker.startContainerCmd(created.getId()).exec();
            } catch (RuntimeException e) {
                RuntimeOperationException failure = DockerErrors.translate("start container " + name, clients.dockerHost(), e);
                try {
                    docker.removeContainerCmd(created.getId()).withForce(true).exec();
                } catch (NotFoundException gone) {
                    // already gone
                } catch (RuntimeException cleanup) {
                    failure.addSuppressed(cleanup);
                    LOG.warn("Could not remove container '{}' after its failed start: {}", name, cleanup.toString());
                }
                throw failure;
            }
            return inspectById(created.getId()).orElseThrow(() -> new RuntimeOperationException("Container '" + name
                    + "' disappeared right after it was started; something else removes it"));
        } finally {
            lock.unlock();
        }
    }

    private static HostConfig hostConfig(ContainerSpec spec) {
        HostConfig host = HostConfig.newHostConfig()
                .withRestartPolicy(restartPolicy(spec.restartPolicy()));
        if (spec.memoryBytes() > 0) {
            host.withMemory(spec.memoryBytes());
        }
        if (spec.nanoCpus() > 0) {
            host.withNanoCPUs(spec.nanoCpus());
        }
        if (spec.pidsLimit() > 0) {
            host.withPidsLimit(spec.pidsLimit());
        }
        if (spec.noNewPrivileges()) {
            host.withSecurityOpts(List.of("no-new-privileges"));
        }
        if (spec.network() != null && !spec.network().isBlank()) {
            host.withNetworkMode(spec.network());
        }
        if (!spec.mounts().isEmpty()) {
            host.withMounts(spec.mounts().stream()
                    .map(m -> new com.github.dockerjava.api.model.Mount()
                            .withType(MountType.VOLUME).withSource(m.volumeName()).withTarget(m.path()))
                    .toList());
        }
        if (!spec.ports().isEmpty()) {
            String hostAddress = spec.hostAddress() == null || spec.hostAddress().isBlank() ? "127.0.0.1" : spec.hostAddress();
            host.withPortBindings(spec.ports().stream()
                    .map(p -> new PortBinding(Ports.Binding.bindIp(hostAddress), exposed(p)))
                    .toList());
        }
        return host;
    }

    private static RestartPolicy restartPolicy(String policy) {
        if (policy == null || policy.isBlank() || policy.equals("no")) {
            return RestartPolicy.noRestart();
        }
        try {
            return RestartPolicy.parse(policy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("restart policy must be no, always, unless-stopped or on-failure[:N],"
                    + " got: " + policy, e);
        }
    }

    private static ExposedPort exposed(PortSpec port) {
        String protocol = port.protocol() == null || port.protocol().isBlank() ? "tcp" : port.protocol().toLowerCase(Locale.ROOT);
        return new ExposedPort(port.containerPort(), InternetProtocol.parse(protocol));
    }

    @Override
    public Optional<ContainerState> inspect(String name) {
        requireText(name, "container name");
        Optional<Container> listed = findByExactName(name);
        if (listed.isEmpty()) {
            return Optional.empty();
        }
        return inspectById(listed.get().getId());
    }

    @Override
    public List<ContainerState> findContainers(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        List<Container> listed = call("list containers", () -> labels.isEmpty()
                ? docker.listContainersCmd().withShowAll(true).exec()
                : docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec());
        List<ContainerState> states = new ArrayList<>();
        for (Container container : listed) {
            // Removed between list and inspect: it is simply not there any more.
            inspectById(container.getId()).filter(c -> carries(c.labels(), labels)).ifPresent(states::add);
        }
        return List.copyOf(states);
    }

    @Override
    public boolean removeContainer(String name, Map<String, String> ownerLabels) {
        requireText(name, "container name");
        requireOwnerLabels(ownerLabels);
        ReentrantLock lock = lockFor("container:" + name);
        lock.lock();
        try {
            Optional<Container> existing = findByExactName(name);
            if (existing.isEmpty()) {
                return false;
            }
            Container container = existing.get();
            if (!carries(labelsOf(container), ownerLabels)) {
                throw notOurs("Container", name, labelsOf(container), ownerLabels, "remove it by hand if it is stale");
            }
            try {
                call("remove container " + name, () -> docker.removeContainerCmd(container.getId()).withForce(true).exec());
                return true;
            } catch (RuntimeOperationException e) {
                if (e.getCause() instanceof NotFoundException) {
                    return false;
                }
                if (e.getCause() instanceof ConflictException && e.getMessage().contains("already in progress")) {
                    return true; // another caller is removing it right now
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stopContainer(String name, Map<String, String> ownerLabels, Duration grace) {
        Objects.requireNonNull(grace, "grace");
        Container container = owned(name, ownerLabels, "stop");
        int seconds = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000));
        try {
            // The stream client: the engine answers only after the grace period, which may exceed the response timeout.
            clients.streams().stopContainerCmd(container.getId()).withTimeout(seconds).exec();
        } catch (NotModifiedException alreadyStopped) {
            // stopped already: nothing to do
        } catch (RuntimeException e) {
            throw DockerErrors.translate("stop container " + name, clients.dockerHost(), e);
        }
    }

    @Override
    public void startContainer(String name, Map<String, String> ownerLabels) {
        Container container = owned(name, ownerLabels, "start");
        try {
            docker.startContainerCmd(container.getId()).exec();
        } catch (NotModifiedException alreadyRunning) {
            // running already: nothing to do
        } catch (RuntimeException e) {
            throw DockerErrors.translate("start container " + name, clients.dockerHost(), e);
        }
    }

    @Override
    public void pauseContainer(String name, Map<String, String> ownerLabels) {
        Container container = owned(name, ownerLabels, "pause");
        call("pause container " + name, () -> docker.pauseContainerCmd(container.getId()).exec());
    }

    @Override
    public void unpauseContainer(String name, Map<String, String> ownerLabels) {
        Container container = owned(name, ownerLabels, "unpause");
        call("unpause container " + name, () -> docker.unpauseContainerCmd(container.getId()).exec());
    }

    @Override
    public AutoCloseable watchContainers(Map<String, String> labels, Consumer<ContainerEvent> events) {
        requireOwnerLabels(labels);
        Objects.requireNonNull(events, "events");
        return new ContainerEventWatch(clients.streams(), clients.dockerHost(), labels, events).start();
    }

    /** The container of exactly this name carrying the owner labels, or a precise refusal. */
    private Container owned(String name, Map<String, String> ownerLabels, String action) {
        requireText(name, "container name");
        requireOwnerLabels(ownerLabels);
        Container container = findByExactName(name).orElseThrow(() -> new RuntimeOperationException(
                "Cannot " + action + " container '" + name + "': no such container on the Docker engine at "
                        + clients.dockerHost()));
        if (!carries(labelsOf(container), ownerLabels)) {
            throw notOurs("Container", name, labelsOf(container), ownerLabels, "refusing to " + action + " it");
        }
        return container;
    }

    /**
     * The container named exactly {@code name}. The engine's name lookup also accepts ID prefixes and its name
     * filter is an unanchored regular expression, so the filter is anchored and the result compared in Java.
     */
    private Optional<Container> findByExactName(String name) {
        String pattern = "^/" + name.replace(".", "\\.") + "$";
        List<Container> listed = call("look up container " + name,
                () -> docker.listContainersCmd().withShowAll(true).withNameFilter(List.of(pattern)).exec());
        return listed.stream()
                .filter(c -> c.getNames() != null && List.of(c.getNames()).contains("/" + name))
                .findFirst();
    }

    private Optional<ContainerState> inspectById(String id) {
        InspectContainerResponse response;
        try {
            response = docker.inspectContainerCmd(id).exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw DockerErrors.translate("inspect container " + shortId(id), clients.dockerHost(), e);
        }
        return Optional.of(toState(response));
    }

    static ContainerState toState(InspectContainerResponse response) {
        var state = response.getState();
        String name = response.getName() == null ? "" : response.getName().replaceFirst("^/", "");
        Map<String, String> labels = response.getConfig() == null || response.getConfig().getLabels() == null
                ? Map.of() : Map.copyOf(response.getConfig().getLabels());
        String image = response.getConfig() == null || response.getConfig().getImage() == null
                ? nonBlank(response.getImageId()) : response.getConfig().getImage();
        String status = state == null || state.getStatus() == null ? "unknown" : state.getStatus();
        int exitCode = state == null || state.getExitCodeLong() == null ? 0 : state.getExitCodeLong().intValue();
        String error = state == null || state.getError() == null ? "" : state.getError();
        String ip = "";
        NetworkSettings settings = response.getNetworkSettings();
        if (settings != null && settings.getNetworks() != null && !settings.getNetworks().isEmpty()) {
            String mode = response.getHostConfig() == null ? null : response.getHostConfig().getNetworkMode();
            ContainerNetwork network = mode != null && settings.getNetworks().containsKey(mode)
                    ? settings.getNetworks().get(mode)
                    : settings.getNetworks().values().iterator().next();
            ip = network.getIpAddress() == null ? "" : network.getIpAddress();
        }
        Map<Integer, Integer> published = new TreeMap<>();
        if (settings != null && settings.getPorts() != null) {
            settings.getPorts().getBindings().forEach((exposed, bindings) -> {
                if (exposed.getProtocol() != InternetProtocol.TCP || bindings == null) {
                    return;
                }
                for (Ports.Binding binding : bindings) {
                    String spec = binding.getHostPortSpec();
                    if (spec != null && spec.matches("\\d+")) {
                        published.putIfAbsent(exposed.getPort(), Integer.parseInt(spec));
                    }
                }
            });
        }
        int restarts = response.getRestartCount() == null ? 0 : response.getRestartCount();
        return new ContainerState(response.getId(), name, image, labels, status, exitCode, ip,
                Map.copyOf(published), error, restarts);
    }

    private static Map<String, String> labelsOf(Container container) {
        return container.getLabels() == null ? Map.of() : container.getLabels();
    }

    private RuntimeOperationException notOurs(String kind, String name, Map<String, String> actual,
                                              Map<String, String> ownerLabels, String advice) {
        return new RuntimeOperationException(kind + " '" + name + "' exists but is not managed by this agent: it lacks"
                + " the owner labels " + ownerLabels + " (it has " + actual + "); leaving it untouched, " + advice + ".");
    }

    private static List<String> labelFilter(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    static boolean carries(Map<String, String> actual, Map<String, String> labels) {
        return labels.entrySet().stream().allMatch(e -> e.getValue().equals(actual.get(e.getKey())));
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (java.io.IOException | RuntimeException ignored) {
            // best effort
        }
    }

    /** Networks named exactly {@code name} (the engine's name filter matches substrings). */
    private List<Network> listByExactName(String name) {
        return call("look up network " + name, () -> docker.listNetworksCmd().withNameFilter(name).exec())
                .stream()
                .filter(n -> name.equals(n.getName()))
                .toList();
    }

    private ReentrantLock lockFor(String name) {
        return nameLocks[Math.floorMod(name.hashCode(), nameLocks.length)];
    }

    private RuntimeOperationException notOurs(Network network, Map<String, String> ownerLabels) {
        return new RuntimeOperationException("Network '" + network.getName() + "' (id " + shortId(network.getId())
                + ") exists but is not managed by this agent: it lacks the owner labels " + ownerLabels
                + " (it has " + labelsOf(network) + "); leaving it untouched. Rename or remove it, or configure"
                + " another network name.");
    }

    private <T> T call(String action, Supplier<T> request) {
        return call(docker, clients.dockerHost(), action, request);
    }

    private static <T> T call(DockerClient docker, String dockerHost, String action, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw DockerErrors.translate(action, dockerHost, e);
        }
    }

    private static RuntimeInfo readInfo(DockerClient docker, String dockerHost) {
        Version version;
        try {
            version = docker.versionCmd().exec();
        } catch (DockerException e) {
            // Something answered HTTP, but not as an engine would to GET /version (e.g. a proxy or a wrong port).
            throw new RuntimeOperationException("Cannot use the Docker engine at " + dockerHost
                    + ": GET /version answered HTTP " + e.getHttpStatus() + " (" + DockerErrors.engineMessage(e)
                    + "); is this really a Docker engine endpoint?", e);
        } catch (RuntimeException e) {
            throw DockerErrors.translate("read the engine version", dockerHost, e);
        }
        return new RuntimeInfo(
                nonBlank(version.getVersion()),
                nonBlank(version.getApiVersion()),
                nonBlank(version.getOperatingSystem()) + "/" + nonBlank(version.getArch()));
    }

    static boolean carries(Network network, Map<String, String> labels) {
        return carries(labelsOf(network), labels);
    }

    private static Map<String, String> labelsOf(Network network) {
        return network.getLabels() == null ? Map.of() : network.getLabels();
    }

    private static NetworkRef toRef(Network network) {
        return new NetworkRef(network.getId(), network.getName(), Map.copyOf(labelsOf(network)));
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("network name must not be blank");
        }
    }

    private static void requireOwnerLabels(Map<String, String> ownerLabels) {
        if (ownerLabels == null || ownerLabels.isEmpty()) {
            throw new IllegalArgumentException(
                    "owner labels must not be empty: without them every object would count as the agent's own");
        }
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? "unknown" : value;
    }

    private static String shortId(String id) {
        return id == null ? "?" : id.substring(0, Math.min(12, id.length()));
    }
}
