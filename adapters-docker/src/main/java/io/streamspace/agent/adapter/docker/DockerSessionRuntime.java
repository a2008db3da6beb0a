package io.streamspace.agent.adapter.docker;

import static io.streamspace.agent.adapter.docker.DockerAccess.nonBlank;
import static io.streamspace.agent.adapter.docker.DockerAccess.requireOwnerLabels;

import com.github.dockerjava.api.exception.DockerException;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
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
// This class is the facade: connecting, engine info and delegation. The work is done per kind of object by
// DockerNetworks, DockerVolumes, DockerImages and DockerContainers (plus ContainerEventWatch for events), which
// share the clients, the per-name lock striping and the owner-label checks through DockerAccess.
public final class DockerSessionRuntime implements SessionRuntime {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final DockerClients clients;
    private final RuntimeInfo connectedTo;
    private final DockerNetworks networks;
    private final DockerVolumes volumes;
    private final DockerImages images;
    private final DockerContainers containers;
    private final DockerContainerUsage usage;

    private DockerSessionRuntime(DockerClients clients, RuntimeInfo connectedTo, Path dockerConfigDir) {
        DockerAccess access = new DockerAccess(clients);
        this.clients = clients;
        this.connectedTo = connectedTo;
        this.networks = new DockerNetworks(access);
        this.volumes = new DockerVolumes(access);
        this.images = new DockerImages(access, new RegistryCredentials(dockerConfigDir));
        this.containers = new DockerContainers(access, volumes);
        this.usage = new DockerContainerUsage(access);
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
        RuntimeInfo info = readInfo(clients);
        LOG.info("{} at {}", describe(info), clients.dockerHost());
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

    /**
     * Without contacting the engine: the session agent's runtime, whose leader reads the engine on its own thread
     * (a standby replica must not touch Docker until it leads; a lone agent registers meanwhile). Calls reach the
     * engine when they are made; {@link #connectedTo()} is null.
     */
    public static DockerSessionRuntime deferred(DockerClients clients) {
        Objects.requireNonNull(clients, "clients");
        return new DockerSessionRuntime(clients, null, RegistryCredentials.defaultConfigDir());
    }

    /** "Docker engine 20.10.24 (API 1.41, linux/amd64)" or "Podman 4.3.1 (Docker-compatible API 1.41, ...)". */
    public static String describe(RuntimeInfo info) {
        return ContainerEngine.PODMAN.wireName().equals(info.runtime())
                ? "Podman " + info.engineVersion() + " (Docker-compatible API " + info.apiVersion() + ", "
                        + info.operatingSystem() + ")"
                : "Docker engine " + info.engineVersion() + " (API " + info.apiVersion() + ", "
                        + info.operatingSystem() + ")";
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
        return readInfo(clients);
    }

    private static RuntimeInfo readInfo(DockerClients clients) {
        String dockerHost = clients.dockerHost();
        EngineReads.EngineVersion version;
        try {
            version = EngineReads.version(clients);
        } catch (DockerException e) {
            // Something answered HTTP, but not as an engine would to GET /version (e.g. a proxy or a wrong port).
            throw new RuntimeOperationException("Cannot use the Docker engine at " + dockerHost
                    + ": GET /version answered HTTP " + e.getHttpStatus() + " (" + DockerErrors.engineMessage(e)
                    + "); is this really a Docker engine endpoint?", e);
        } catch (RuntimeException e) {
            throw DockerErrors.translate("read the engine version", dockerHost, e);
        }
        clients.engine(version.engine());
        return new RuntimeInfo(
                nonBlank(version.version()),
                nonBlank(version.apiVersion()),
                nonBlank(version.operatingSystem()) + "/" + nonBlank(version.architecture()),
                version.engine().wireName());
    }

    // --- networks -----------------------------------------------------------------------------------------

    @Override
    public NetworkRef ensureNetwork(String name, Map<String, String> ownerLabels) {
        return networks.ensureNetwork(name, ownerLabels);
    }

    @Override
    public List<NetworkRef> findNetworks(Map<String, String> labels) {
        return networks.findNetworks(labels);
    }

    @Override
    public boolean removeNetwork(String name, Map<String, String> ownerLabels) {
        return networks.removeNetwork(name, ownerLabels);
    }

    // --- images -------------------------------------------------------------------------------------------

    @Override
    public boolean imagePresent(String image) {
        return images.imagePresent(image);
    }

    @Override
    public void pullImage(String image, Consumer<String> progress) throws InterruptedException {
        images.pullImage(image, progress);
    }

    // --- volumes ------------------------------------------------------------------------------------------

    @Override
    public VolumeRef ensureVolume(String name, String driver, Map<String, String> ownerLabels) {
        return volumes.ensureVolume(name, driver, ownerLabels);
    }

    @Override
    public List<VolumeRef> findVolumes(Map<String, String> labels) {
        return volumes.findVolumes(labels);
    }

    @Override
    public boolean removeVolume(String name, Map<String, String> ownerLabels) {
        return volumes.removeVolume(name, ownerLabels);
    }

    // --- containers ---------------------------------------------------------------------------------------

    @Override
    public ContainerState createAndStart(ContainerSpec spec) {
        try {
            return containers.createAndStart(spec);
        } catch (RuntimeOperationException e) {
            String network = spec.network();
            Optional<Map<String, String>> owner = network == null || network.isBlank() ? Optional.empty()
                    : networks.forgetIfMissing(network, e);
            if (owner.isEmpty()) {
                throw e;
            }
            // The network was taken as ensured but is gone (removed since): ensure it again, with the owner
            // check, and create once more.
            LOG.info("Network '{}' is gone from the engine; ensuring it again for container '{}'", network,
                    spec.name());
            networks.ensureNetwork(network, owner.get());
            return containers.createAndStart(spec);
        }
    }

    @Override
    public Optional<ContainerState> inspect(String name) {
        return containers.inspect(name);
    }

    @Override
    public List<ContainerState> findContainers(Map<String, String> labels) {
        return containers.findContainers(labels);
    }

    @Override
    public List<ListedContainer> listContainers(Map<String, String> labels) {
        return containers.listContainers(labels);
    }

    @Override
    public Map<String, ResourceUsage> usage(Map<String, String> labels) {
        return usage.usage(labels);
    }

    @Override
    public boolean removeContainer(String name, Map<String, String> ownerLabels) {
        return containers.removeContainer(name, ownerLabels);
    }

    @Override
    public void stopContainer(String name, Map<String, String> ownerLabels, Duration grace) {
        containers.stopContainer(name, ownerLabels, grace);
    }

    @Override
    public void startContainer(String name, Map<String, String> ownerLabels) {
        containers.startContainer(name, ownerLabels);
    }

    @Override
    public void pauseContainer(String name, Map<String, String> ownerLabels) {
        containers.pauseContainer(name, ownerLabels);
    }

    @Override
    public void unpauseContainer(String name, Map<String, String> ownerLabels) {
        containers.unpauseContainer(name, ownerLabels);
    }

    // --- events -------------------------------------------------------------------------------------------

    @Override
    public AutoCloseable watchContainers(Map<String, String> labels, Consumer<ContainerEvent> events) {
        requireOwnerLabels(labels);
        Objects.requireNonNull(events, "events");
        return new ContainerEventWatch(clients.streams(), clients.dockerHost(), labels, events, 0).start();
    }

    @Override
    public AutoCloseable watchContainers(Map<String, String> labels, long sinceNanos, Consumer<ContainerEvent> events) {
        requireOwnerLabels(labels);
        Objects.requireNonNull(events, "events");
        return new ContainerEventWatch(clients.streams(), clients.dockerHost(), labels, events, sinceNanos).start();
    }
}
