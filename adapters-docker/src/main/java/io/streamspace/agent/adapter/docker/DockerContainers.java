package io.streamspace.agent.adapter.docker;

import static io.streamspace.agent.adapter.docker.DockerAccess.carries;
import static io.streamspace.agent.adapter.docker.DockerAccess.nonBlank;
import static io.streamspace.agent.adapter.docker.DockerAccess.notOurs;
import static io.streamspace.agent.adapter.docker.DockerAccess.requireOwnerLabels;
import static io.streamspace.agent.adapter.docker.DockerAccess.requireText;
import static io.streamspace.agent.adapter.docker.DockerAccess.shortId;

import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
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
import com.github.dockerjava.api.model.NetworkSettings;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.port.out.SessionRuntime.ListedContainer;
import io.streamspace.agent.application.port.out.SessionRuntime.Mount;
import io.streamspace.agent.application.port.out.SessionRuntime.PortSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers of {@link DockerSessionRuntime}: create-and-start from a spec, inspect, find, and the owner-checked
 * lifecycle calls (remove, stop, start, pause, unpause).
 */
final class DockerContainers {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");
    private static final int STATE_IMPROPER_ATTEMPTS = 8;
    private static final Duration STATE_IMPROPER_PAUSE = Duration.ofMillis(100);
    private static final int EXITING_ATTEMPTS = 5;
    private static final Duration EXITING_PAUSE = Duration.ofMillis(20);

    private final DockerAccess access;
    private final DockerVolumes volumes;

    DockerContainers(DockerAccess access, DockerVolumes volumes) {
        this.access = access;
        this.volumes = volumes;
    }

    /** The engine refused a create because the name is taken: Docker answers 409, Podman 500 "already in use". */
    private static boolean isNameConflict(RuntimeException e) {
        return e instanceof ConflictException || (e instanceof DockerException engine
                && DockerErrors.engineMessage(engine).toLowerCase(Locale.ROOT).contains("is already in use"));
    }

    ContainerState createAndStart(ContainerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        String name = spec.name();
        requireText(name, "container name");
        requireText(spec.image(), "image");
        requireOwnerLabels(spec.labels());
        ReentrantLock lock = access.lockFor("container:" + name);
        lock.lock();
        try {
            // No lookup before the create: the engine refuses a second container of the same name (Docker: 409;
            // Podman: 500 "... is already in use"), and only then is it inspected for the message. One engine call less on every start (docs/benchmarks.md).
            for (Mount mount : spec.mounts()) {
                if (volumes.inspectVolume(mount.volumeName()).isEmpty()) {
                    throw new RuntimeOperationException("Volume '" + mount.volumeName() + "' for " + mount.path()
                            + " of container '" + name + "' does not exist; create it first (the engine would make an"
                            + " unlabelled one)");
                }
            }
            CreateContainerResponse created;
            try {
                created = access.docker().createContainerCmd(spec.image())
                        .withName(name)
                        .withLabels(spec.labels())
                        .withEnv(spec.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                        .withExposedPorts(spec.ports().stream().map(DockerContainers::exposed).toList())
                        .withHostConfig(hostConfig(spec))
                        .exec();
            } catch (NotFoundException e) {
                if (!DockerErrors.engineMessage(e).toLowerCase(java.util.Locale.ROOT).contains("no such image")) {
                    throw DockerErrors.translate("create container " + name, access.dockerHost(), e);
                }
                throw new RuntimeOperationException("Cannot create container '" + name + "': image " + spec.image()
                        + " is not present on the Docker engine at " + access.dockerHost() + " (pull it first)", e);
            } catch (RuntimeException e) {
                if (isNameConflict(e)) {
                    Optional<ContainerState> existing = inspect(name);
                    if (existing.isPresent()) {
                        ContainerState there = existing.get();
                        throw new RuntimeOperationException("Container '" + name + "' already exists (id "
                                + shortId(there.id()) + ", " + there.status() + (carries(there.labels(), spec.labels())
                                ? ", ours" : ", not managed by this agent") + "); not creating another", e);
                    }
                }
                throw DockerErrors.translate("create container " + name, access.dockerHost(), e);
            }
            if (created.getWarnings() != null) {
                for (String warning : created.getWarnings()) {
                    LOG.warn("Creating container '{}': {}", name, warning);
                }
            }
            try {
                access.docker().startContainerCmd(created.getId()).exec();
            } catch (RuntimeException e) {
                RuntimeOperationException failure = DockerErrors.translate("start container " + name, access.dockerHost(), e);
                try {
                    access.docker().removeContainerCmd(created.getId()).withForce(true).exec();
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

    Optional<ContainerState> inspect(String name) {
        requireText(name, "container name");
        if (!ContainerEngine.couldBeIdPrefix(name)) {
            // One call: the engine looks a name up by exact name or by (a prefix of) an id, and a name with a
            // character that is not hex is no id. Half the calls of the start's first look and of each confirming
            // look (docs/benchmarks.md).
            return inspectRef(name, name).filter(c -> name.equals(c.name()));
        }
        Optional<Container> listed = findByExactName(name);
        if (listed.isEmpty()) {
            return Optional.empty();
        }
        return inspectById(listed.get().getId());
    }

    List<ContainerState> findContainers(Map<String, String> labels) {
        List<ContainerState> states = new ArrayList<>();
        for (ListedContainer container : listed(labels)) {
            // Removed between list and inspect: it is simply not there any more.
            inspectById(container.id()).filter(c -> carries(c.labels(), labels)).ifPresent(states::add);
        }
        return List.copyOf(states);
    }

    /** The engine's list alone: it never waits for a container being started (an inspect does, ADR 0026). */
    List<ListedContainer> listContainers(Map<String, String> labels) {
        return listed(labels).stream().filter(container -> carries(container.labels(), labels)).toList();
    }

    /**
     * Every container, running or not, whose labels the engine matched against {@code labels}; read as a JSON tree
     * (EngineReads, ADR 0027).
     */
    private List<ListedContainer> listed(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        return access.call("list containers", () -> EngineReads.containers(access.clients, labels));
    }

    boolean removeContainer(String name, Map<String, String> ownerLabels) {
        requireText(name, "container name");
        requireOwnerLabels(ownerLabels);
        ReentrantLock lock = access.lockFor("container:" + name);
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
                forceRemove(name, container.getId());
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

    /**
     * Force-removes by id. Podman refuses a forced removal while its restart policy is between two runs of the
     * container ("container state improper: stopped"); the state passes within moments, so a few more attempts
     * are made (Docker never answers this).
     */
    private void forceRemove(String name, String id) {
        for (int attempt = 1; ; attempt++) {
            try {
                access.call("remove container " + name,
                        () -> access.docker().removeContainerCmd(id).withForce(true).exec());
                return;
            } catch (RuntimeOperationException e) {
                if (attempt >= STATE_IMPROPER_ATTEMPTS || !e.getMessage().contains("container state improper")) {
                    throw e;
                }
                LOG.debug("Removing container '{}' (attempt {}): {}", name, attempt, e.getMessage());
            }
            pauseBeforeAttempt(STATE_IMPROPER_PAUSE.multipliedBy(attempt), "removing container '" + name + "'");
        }
    }

    /** The pause of a retry loop (production back-off, not test synchronisation). */
    private static void pauseBeforeAttempt(Duration pause, String doing) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeOperationException("Interrupted while " + doing, e);
        }
    }

    void stopContainer(String name, Map<String, String> ownerLabels, Duration grace) {
        Objects.requireNonNull(grace, "grace");
        Container container = owned(name, ownerLabels, "stop");
        int seconds = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000));
        try {
            // The stream client: the engine answers only after the grace period, which may exceed the response timeout.
            access.clients.streams().stopContainerCmd(container.getId()).withTimeout(seconds).exec();
        } catch (NotModifiedException alreadyStopped) {
            // stopped already: nothing to do
        } catch (RuntimeException e) {
            throw DockerErrors.translate("stop container " + name, access.dockerHost(), e);
        }
    }

    void startContainer(String name, Map<String, String> ownerLabels) {
        Container container = owned(name, ownerLabels, "start");
        try {
            access.docker().startContainerCmd(container.getId()).exec();
        } catch (NotModifiedException alreadyRunning) {
            // running already: nothing to do
        } catch (RuntimeException e) {
            throw DockerErrors.translate("start container " + name, access.dockerHost(), e);
        }
    }

    void pauseContainer(String name, Map<String, String> ownerLabels) {
        Container container = owned(name, ownerLabels, "pause");
        access.call("pause container " + name, () -> access.docker().pauseContainerCmd(container.getId()).exec());
    }

    void unpauseContainer(String name, Map<String, String> ownerLabels) {
        Container container = owned(name, ownerLabels, "unpause");
        access.call("unpause container " + name, () -> access.docker().unpauseContainerCmd(container.getId()).exec());
    }

    /** The container of exactly this name carrying the owner labels, or a precise refusal. */
    private Container owned(String name, Map<String, String> ownerLabels, String action) {
        requireText(name, "container name");
        requireOwnerLabels(ownerLabels);
        Container container = findByExactName(name).orElseThrow(() -> new RuntimeOperationException(
                "Cannot " + action + " container '" + name + "': no such container on the Docker engine at "
                        + access.dockerHost()));
        if (!carries(labelsOf(container), ownerLabels)) {
            throw notOurs("Container", name, labelsOf(container), ownerLabels, "refusing to " + action + " it");
        }
        return container;
    }

    /**
     * The container named exactly {@code name}. The engine's name lookup also accepts ID prefixes and its name
     * filter is an unanchored regular expression, so the filter is anchored and the result compared in Java
     * (Docker lists names as "/name"; Podman too, but matches the filter against "name").
     */
    private Optional<Container> findByExactName(String name) {
        String pattern = ContainerEngine.exactNameFilter(name);
        List<Container> listed = access.call("look up container " + name,
                () -> access.docker().listContainersCmd().withShowAll(true).withNameFilter(List.of(pattern)).exec());
        return listed.stream()
                .filter(c -> c.getNames() != null && List.of(c.getNames()).contains("/" + name))
                .findFirst();
    }

    private Optional<ContainerState> inspectById(String id) {
        return inspectRef(id, shortId(id));
    }

    /**
     * Inspects by id or name ({@code ref}); {@code shown} names it in an error. Podman reads the container's
     * {@code /proc/<pid>/cgroup} to answer, and when the process exits during that read it answers 500 "read
     * /proc/<pid>/cgroup: no such process": the container is there and the next look shows it exited, so that answer
     * is asked again a few times (Docker never gives it). Without this, a start's confirming look failed with that
     * message instead of the container's exit code.
     */
    private Optional<ContainerState> inspectRef(String ref, String shown) {
        InspectContainerResponse response;
        for (int attempt = 1; ; attempt++) {
            try {
                response = access.docker().inspectContainerCmd(ref).exec();
                break;
            } catch (NotFoundException e) {
                return Optional.empty();
            } catch (RuntimeException e) {
                if (attempt >= EXITING_ATTEMPTS || !isExitingDuringInspect(e)) {
                    throw DockerErrors.translate("inspect container " + shown, access.dockerHost(), e);
                }
                LOG.debug("Inspecting container '{}' (attempt {}): {}", shown, attempt, e.getMessage());
            }
            pauseBeforeAttempt(EXITING_PAUSE.multipliedBy(attempt), "inspecting container '" + shown + "'");
        }
        return Optional.of(toState(response));
    }

    /** Podman's 500 when the container's process exits while it is being inspected (see {@link #inspectRef}). */
    static boolean isExitingDuringInspect(RuntimeException e) {
        return e instanceof DockerException engine && engine.getHttpStatus() == 500
                && DockerErrors.engineMessage(engine).matches("(?s).*/proc/\\d+/\\S*: no such process.*");
    }

    static ContainerState toState(InspectContainerResponse response) {
        var state = response.getState();
        String name = response.getName() == null ? "" : response.getName().replaceFirst("^/", "");
        Map<String, String> labels = response.getConfig() == null || response.getConfig().getLabels() == null
                ? Map.of() : Map.copyOf(response.getConfig().getLabels());
        String image = response.getConfig() == null || response.getConfig().getImage() == null
                ? nonBlank(response.getImageId()) : ContainerEngine.requestedImage(response.getConfig().getImage());
        int exitCode = state == null || state.getExitCodeLong() == null ? 0 : state.getExitCodeLong().intValue();
        String restartPolicy = response.getHostConfig() == null || response.getHostConfig().getRestartPolicy() == null
                ? null : response.getHostConfig().getRestartPolicy().getName();
        String status = ContainerEngine.dockerStatus(state == null ? null : state.getStatus(), restartPolicy, exitCode);
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
        if (ContainerEngine.publishesPorts(status) && settings != null && settings.getPorts() != null) {
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
        boolean oomKilled = state != null && Boolean.TRUE.equals(state.getOOMKilled());
        return new ContainerState(response.getId(), name, image, labels, status, exitCode, ip,
                Map.copyOf(published), error, restarts, oomKilled);
    }

    private static Map<String, String> labelsOf(Container container) {
        return container.getLabels() == null ? Map.of() : container.getLabels();
    }
}
