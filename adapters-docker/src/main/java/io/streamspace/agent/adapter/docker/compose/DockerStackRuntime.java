package io.streamspace.agent.adapter.docker.compose;

import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.CONFIG_HASH;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.DEPENDS_ON;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.NETWORK;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.NUMBER;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.ONEOFF;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.PROJECT;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.SERVICE;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.VERSION;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.VERSION_VALUE;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.VOLUME;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.PodmanHealthChecks;
import io.streamspace.agent.adapter.docker.compose.StackReads.ListedNetwork;
import io.streamspace.agent.adapter.docker.compose.StackReads.ProjectContainer;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.domain.compose.ComposeModel;
import io.streamspace.agent.domain.compose.ComposeModel.NetworkSpec;
import io.streamspace.agent.domain.compose.ComposeModel.VolumeSpec;
import io.streamspace.agent.domain.compose.ConfigHash;
import io.streamspace.agent.domain.compose.ServiceSpec;
import io.streamspace.agent.domain.compose.ServiceSpec.Condition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native Compose engine: {@link StackRuntime} on the Docker API through docker-java, no Compose CLI needed.
 *
 * <p>Objects are labelled and named as Compose does it ({@code {project}_{network}}, {@code {project}_{volume}},
 * {@code {project}-{service}-{n}}; labels in {@link ComposeLabels}), and found again by their labels, so
 * {@code docker compose} / {@code docker-compose} list and take down stacks this engine brought up, and this engine
 * those they brought up. Services run one container each ({@code -1}).
 *
 * <p>Idempotent {@code up}: a service's container carries the {@link ConfigHash} of the service; the same hash
 * means the container is left alone (started when stopped), another hash means it is replaced.
 */
public final class DockerStackRuntime implements StackRuntime {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");
    private static final Duration POLL = Duration.ofMillis(200);
    /** Compose's default stop timeout. */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);

    /** How images are pulled; {@link #DIRECT} uses docker-java without registry credentials. */
    @FunctionalInterface
    public interface ImagePull {
        void pull(String image) throws InterruptedException;
    }

    private final DockerClients clients;
    private final ImagePull imagePull;
    private final Duration dependencyTimeout;
    private final int stopGraceSeconds;
    private final PodmanHealthChecks healthChecks;

    /**
     * @param imagePull         null to pull directly with docker-java (no credentials); bootstrap passes the
     *                          session runtime's credential-aware pull
     * @param dependencyTimeout how long {@code up} waits for a {@code depends_on} condition
     * @param stopGrace         SIGTERM to SIGKILL when stopping, recreating or removing containers
     */
    public DockerStackRuntime(DockerClients clients, ImagePull imagePull, Duration dependencyTimeout,
                              Duration stopGrace) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.imagePull = imagePull == null ? this::pullDirect : imagePull;
        this.dependencyTimeout = Objects.requireNonNull(dependencyTimeout, "dependencyTimeout");
        this.stopGraceSeconds = (int) Math.max(0, stopGrace.toSeconds());
        this.healthChecks = new PodmanHealthChecks(clients);
    }

    public DockerStackRuntime(DockerClients clients) {
        this(clients, null, Duration.ofMinutes(2), DEFAULT_STOP_GRACE);
    }

    // --- up ---------------------------------------------------------------------------------------------------

    @Override
    public UpResult up(ComposeModel model, ProjectContext context) throws InterruptedException {
        String project = context.project();
        Set<String> usedNetworks = new LinkedHashSet<>();
        Set<String> usedVolumes = new LinkedHashSet<>();
        model.services().values().forEach(s -> {
            usedNetworks.addAll(s.networks().keySet());
            s.volumes().stream().filter(m -> "volume".equals(m.type()) && m.source() != null)
                    .forEach(m -> usedVolumes.add(m.source()));
        });
        // Networks and volumes do not depend on each other: all of them at once (two keys naming the same engine
        // object are ensured once, so they do not race to create it).
        Map<String, String> objectsByName = new LinkedHashMap<>();
        usedNetworks.forEach(key -> objectsByName.putIfAbsent("network " + model.networks().get(key)
                .engineName(project), "network:" + key));
        usedVolumes.forEach(key -> objectsByName.putIfAbsent("volume " + model.volumes().get(key)
                .engineName(project), "volume:" + key));
        List<String> objects = List.copyOf(objectsByName.values());
        ServiceWaves.run("stack-up-", objects, object -> {
            if (object.startsWith("network:")) {
                ensureNetwork(project, model.networks().get(object.substring("network:".length())));
            } else {
                ensureVolume(project, model.volumes().get(object.substring("volume:".length())));
            }
        });
        // One list of the project's containers instead of one per service and dependency; what this run creates
        // is added to `present` as it goes, so a started-dependency check needs no engine call.
        Map<String, List<ProjectContainer>> byService = new HashMap<>();
        for (ProjectContainer c : projectContainers(project, false)) {
            String service = c.label(SERVICE);
            if (service != null) {
                byService.computeIfAbsent(service, k -> new ArrayList<>()).add(c);
            }
        }
        Set<String> present = ConcurrentHashMap.newKeySet();
        present.addAll(byService.keySet());
        List<String> order = model.startOrder();
        // Two passes, as Compose v2 does: every service's container is created (or kept, or replaced) at once, since
        // a create needs only networks and volumes; then they are started in dependency order. A start is what takes
        // the engine long, so only starts wait for what they depend on.
        // Threads only for services that need the engine: an unchanged re-up starts none (docs/benchmarks.md).
        Map<String, Prepared> prepared = new ConcurrentHashMap<>();
        List<String> toPrepare = new ArrayList<>();
        for (String key : order) {
            Prepared unchanged = unchangedOrNull(model.services().get(key), byService.getOrDefault(key, List.of()));
            if (unchanged != null) {
                prepared.put(key, unchanged);
            } else {
                toPrepare.add(key);
            }
        }
        ServiceWaves.run("stack-create-", toPrepare, key -> prepared.put(key, prepare(project, model, key,
                byService.getOrDefault(key, List.of()), present, context)));
        // Services whose dependencies are all up start together, each on its own thread; a wave finishes before the
        // next begins, so depends_on is honoured.
        Map<String, ServiceOutcome> outcomes = new ConcurrentHashMap<>();
        Set<String> done = new HashSet<>();
        while (done.size() < order.size()) {
            List<String> wave = order.stream().filter(key -> !done.contains(key)
                    && model.services().get(key).dependsOn().keySet().stream()
                            .allMatch(dep -> done.contains(dep) || !model.services().containsKey(dep))).toList();
            if (wave.isEmpty()) {
                wave = List.of(order.stream().filter(key -> !done.contains(key)).findFirst().orElseThrow());
            }
            List<String> toStart = new ArrayList<>();
            for (String key : wave) {
                if (prepared.get(key).outcome() == ServiceOutcome.UNCHANGED
                        && startedDependenciesPresent(model.services().get(key), present)) {
                    outcomes.put(key, ServiceOutcome.UNCHANGED); // what start() would answer, without a thread
                } else {
                    toStart.add(key);
                }
            }
            ServiceWaves.run("stack-up-", toStart, key -> outcomes.put(key, start(project, model, key,
                    prepared.get(key), present)));
            done.addAll(wave);
        }
        List<String> created = new ArrayList<>();
        List<String> recreated = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> started = new ArrayList<>();
        for (String key : order) {
            switch (outcomes.get(key)) {
                case CREATED -> created.add(key);
                case RECREATED -> recreated.add(key);
                case UNCHANGED -> unchanged.add(key);
                case STARTED -> started.add(key);
            }
        }
        LOG.info("Stack {} is up: created {}, recreated {}, unchanged {}, started {}", project, created, recreated,
                unchanged, started);
        return new UpResult(project, created, recreated, unchanged, started);
    }

    private enum ServiceOutcome { CREATED, RECREATED, UNCHANGED, STARTED }

    /**
     * A service after the first pass: its container ({@code null} when it runs unchanged) and what starting it
     * makes of it.
     */
    private record Prepared(String containerId, String containerName, ServiceOutcome outcome) {}

    /**
     * The first pass's answer where it needs no engine call: the service's one container has this configuration and
     * runs ({@link #prepare} keeps it, removes nothing). Null otherwise.
     */
    private static Prepared unchangedOrNull(ServiceSpec service, List<ProjectContainer> existing) {
        if (existing.size() != 1) {
            return null;
        }
        ProjectContainer only = existing.get(0);
        return keeps(only, ConfigHash.of(service)) && "running".equals(only.state())
                ? new Prepared(null, only.name(), ServiceOutcome.UNCHANGED) : null;
    }

    /** Whether {@code up} keeps this container for a service of this configuration hash (the first of its number). */
    private static boolean keeps(ProjectContainer c, String hash) {
        return hash.equals(c.label(CONFIG_HASH)) && "1".equals(c.label(NUMBER));
    }

    /** Whether every dependency's condition is "started" and met by this up already ({@link #awaitCondition}). */
    private static boolean startedDependenciesPresent(ServiceSpec service, Set<String> present) {
        return service.dependsOn().entrySet().stream().allMatch(dep -> dep.getValue() == Condition.SERVICE_STARTED
                && present.contains(dep.getKey()));
    }

    /** First pass: keeps the container of the same configuration, removes others, creates a missing one. */
    private Prepared prepare(String project, ComposeModel model, String key, List<ProjectContainer> existing,
                             Set<String> present, ProjectContext context) throws InterruptedException {
        ServiceSpec service = model.services().get(key);
        String hash = ConfigHash.of(service);
        ProjectContainer keep = existing.stream()
                .filter(c -> keeps(c, hash))
                .findFirst().orElse(null);
        for (ProjectContainer c : existing) {
            if (c != keep) {
                LOG.info("Stack {}: removing container {} of service {} (configuration changed)", project,
                        c.name(), key);
                removeContainer(c.id(), c.name(), false);
            }
        }
        if (keep != null) {
            return "running".equals(keep.state()) ? new Prepared(null, keep.name(), ServiceOutcome.UNCHANGED)
                    : new Prepared(keep.id(), keep.name(), ServiceOutcome.STARTED);
        }
        present.remove(key); // its old containers are gone; it is present again once created
        Prepared created = create(project, model, service, hash, context,
                existing.isEmpty() ? ServiceOutcome.CREATED : ServiceOutcome.RECREATED);
        present.add(key);
        return created;
    }

    /** Second pass: once what the service depends on is up, starts its container unless it runs already. */
    private ServiceOutcome start(String project, ComposeModel model, String key, Prepared prepared,
                                 Set<String> present) throws InterruptedException {
        ServiceSpec service = model.services().get(key);
        for (Map.Entry<String, Condition> dep : service.dependsOn().entrySet()) {
            awaitCondition(project, key, dep.getKey(), dep.getValue(), present);
        }
        if (prepared.outcome() == ServiceOutcome.UNCHANGED) {
            return ServiceOutcome.UNCHANGED;
        }
        String name = prepared.containerName();
        if (prepared.outcome() == ServiceOutcome.STARTED) {
            call("start container " + name, () -> docker().startContainerCmd(prepared.containerId()).exec());
            return ServiceOutcome.STARTED;
        }
        try {
            call("start container " + name, () -> docker().startContainerCmd(prepared.containerId()).exec());
        } catch (RuntimeOperationException e) {
            removeQuietly(prepared.containerId());
            throw e;
        }
        LOG.info("Stack {}: started container {} for service {}", project, name, key);
        return prepared.outcome();
    }

    private void ensureNetwork(String project, NetworkSpec spec) {
        String name = spec.engineName(project);
        List<ListedNetwork> same = call("look up network " + name, () -> StackReads.networks(clients, "name", name))
                .stream().filter(n -> name.equals(n.name())).toList();
        if (spec.external()) {
            if (same.isEmpty()) {
                throw new RuntimeOperationException("network " + name + " is declared external but does not exist;"
                        + " create it first");
            }
            return;
        }
        if (!same.isEmpty()) {
            Map<String, String> labels = same.get(0).labels();
            if (!project.equals(labels.get(PROJECT))) {
                throw new RuntimeOperationException("network " + name + " exists but does not belong to project "
                        + project + " (its labels: " + labels + "); declare it external or remove it");
            }
            return;
        }
        Map<String, String> labels = new HashMap<>(spec.labels());
        labels.put(PROJECT, project);
        labels.put(NETWORK, spec.key());
        labels.put(VERSION, VERSION_VALUE);
        call("create network " + name, () -> docker().createNetworkCmd().withName(name)
                .withDriver(spec.driver() == null ? "bridge" : spec.driver()).withLabels(labels)
                .withCheckDuplicate(true).withAttachable(true).exec());
        LOG.info("Stack {}: created network {}", project, name);
    }

    private void ensureVolume(String project, VolumeSpec spec) {
        String name = spec.engineName(project);
        Map<String, String> existing = call("inspect volume " + name, () -> StackReads.volumeLabels(clients, name));
        if (spec.external()) {
            if (existing == null) {
                throw new RuntimeOperationException("volume " + name + " is declared external but does not exist;"
                        + " create it first");
            }
            return;
        }
        if (existing != null) {
            if (!project.equals(existing.get(PROJECT))) {
                throw new RuntimeOperationException("volume " + name + " exists but does not belong to project "
                        + project + " (its labels: " + existing + "); declare it external or remove it");
            }
            return;
        }
        Map<String, String> labels = new HashMap<>(spec.labels());
        labels.put(PROJECT, project);
        labels.put(VOLUME, spec.key());
        labels.put(VERSION, VERSION_VALUE);
        call("create volume " + name, () -> docker().createVolumeCmd().withName(name)
                .withDriver(spec.driver() == null ? "local" : spec.driver()).withLabels(labels).exec());
        LOG.info("Stack {}: created volume {}", project, name);
    }

    /** Creates the service's container, connected to all its networks, without starting it. */
    private Prepared create(String project, ComposeModel model, ServiceSpec s, String hash, ProjectContext context,
                            ServiceOutcome outcome) throws InterruptedException {
        String name = ServiceContainers.name(project, s);
        ensureImage(s.image());
        CreateContainerCmd cmd = ServiceContainers.createCommand(docker(), project, model, s, hash, context, name);
        String id = call("create container " + name + " for service " + s.key(), cmd::exec).getId();
        try {
            for (String key : ServiceContainers.laterNetworks(s)) {
                String network = model.networks().get(key).engineName(project);
                call("connect " + name + " to network " + network, () -> docker().connectToNetworkCmd()
                        .withContainerId(id).withNetworkId(network)
                        .withContainerNetwork(new ContainerNetwork().withAliases(ServiceContainers.aliases(s, key)))
                        .exec());
            }
        } catch (RuntimeOperationException e) {
            removeQuietly(id);
            throw e;
        }
        return new Prepared(id, name, outcome);
    }

    private void ensureImage(String image) throws InterruptedException {
        try {
            docker().inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            LOG.info("Image {} is not present; pulling it", image);
            imagePull.pull(image);
        } catch (RuntimeException e) {
            throw translate("inspect image " + image, e);
        }
    }

    /** Waits until {@code dependency} satisfies {@code condition}, up to the dependency timeout. */
    private void awaitCondition(String project, String service, String dependency, Condition condition,
                                Set<String> present) throws InterruptedException {
        long deadline = System.nanoTime() + dependencyTimeout.toNanos();
        String what = "service " + service + " depends on " + dependency + " (" + condition.composeName() + ")";
        if (condition == Condition.SERVICE_STARTED && present.contains(dependency)) {
            return; // created or found by this up, in an earlier wave: no engine call
        }
        while (true) {
            List<ProjectContainer> containers = serviceContainers(project, dependency);
            if (containers.isEmpty()) {
                throw new RuntimeOperationException(what + ", which has no container");
            }
            if (condition == Condition.SERVICE_STARTED) {
                return; // started in dependency order just before; no need to inspect it (one engine call less)
            }
            InspectContainerResponse inspected = call("inspect " + containers.get(0).name(),
                    () -> docker().inspectContainerCmd(containers.get(0).id()).exec());
            if (condition == Condition.SERVICE_HEALTHY && healthChecks.runIfDue(inspected)) {
                inspected = call("inspect " + containers.get(0).name(),
                        () -> docker().inspectContainerCmd(containers.get(0).id()).exec());
            }
            InspectContainerResponse.ContainerState state = inspected.getState();
            String status = state.getStatus();
            switch (condition) {
                case SERVICE_STARTED -> {
                    return; // handled above
                }
                case SERVICE_HEALTHY -> {
                    if (state.getHealth() == null) {
                        throw new RuntimeOperationException(what + ", which has no healthcheck");
                    }
                    String health = state.getHealth().getStatus();
                    if ("healthy".equals(health)) {
                        return;
                    }
                    if ("unhealthy".equals(health)) {
                        throw new RuntimeOperationException(what + ", which is unhealthy");
                    }
                    if (!"running".equals(status)) {
                        throw new RuntimeOperationException(what + ", which is " + status + " (exit code "
                                + state.getExitCodeLong() + ")");
                    }
                }
                case SERVICE_COMPLETED_SUCCESSFULLY -> {
                    if ("exited".equals(status) || "dead".equals(status)) {
                        Long code = state.getExitCodeLong();
                        if (code != null && code == 0) {
                            return;
                        }
                        throw new RuntimeOperationException(what + ", which exited with code " + code);
                    }
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new RuntimeOperationException(what + ": not met within " + dependencyTimeout.toSeconds()
                        + " s (state " + status + (state.getHealth() == null ? "" : ", health "
                        + state.getHealth().getStatus()) + ")");
            }
            TimeUnit.NANOSECONDS.sleep(POLL.toNanos()); // polling the engine's state; there is no push for health
        }
    }

    // --- down, ps, logs, stop/start/restart, pull -------------------------------------------------------------

    @Override
    public DownResult down(String project, boolean removeVolumes) {
        // Dependents before what they depend on (the services' depends_on labels), the services of one wave at
        // once, as docker-compose does: a down waits for one stop timeout per level, not one per container.
        Map<String, List<ProjectContainer>> byService = new LinkedHashMap<>();
        Map<String, Set<String>> dependsOn = new HashMap<>();
        for (ProjectContainer c : projectContainers(project, true)) {
            String service = Objects.requireNonNullElse(c.label(SERVICE), "");
            byService.computeIfAbsent(service, k -> new ArrayList<>()).add(c);
            dependsOn.computeIfAbsent(service, k -> new HashSet<>())
                    .addAll(ServiceWaves.parseDependsOnLabel(c.label(DEPENDS_ON)));
        }
        List<String> containers = new ArrayList<>();
        try {
            for (List<String> wave : ServiceWaves.stopOrder(dependsOn)) {
                List<String> removed = new CopyOnWriteArrayList<>();
                ServiceWaves.run("stack-down-", wave, service -> {
                    for (ProjectContainer c : byService.get(service)) {
                        if (removeContainer(c.id(), c.name(), removeVolumes)) {
                            removed.add(c.name());
                        }
                    }
                });
                containers.addAll(removed.stream().sorted().toList());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeOperationException("stack " + project + " down was interrupted", e);
        }
        List<String> networks = new ArrayList<>();
        for (ListedNetwork n : call("list networks of " + project,
                () -> StackReads.networks(clients, "label", PROJECT + "=" + project))) {
            try {
                call("remove network " + n.name(), () -> docker().removeNetworkCmd(n.id()).exec());
                networks.add(n.name());
            } catch (RuntimeOperationException e) {
                if (!(e.getCause() instanceof NotFoundException)) {
                    throw e;
                }
            }
        }
        List<String> volumes = new ArrayList<>();
        if (removeVolumes) {
            var listed = call("list volumes of " + project,
                    () -> docker().listVolumesCmd().withFilter("label", List.of(PROJECT + "=" + project)).exec());
            for (InspectVolumeResponse v : listed.getVolumes() == null ? List.<InspectVolumeResponse>of()
                    : listed.getVolumes()) {
                try {
                    call("remove volume " + v.getName(), () -> docker().removeVolumeCmd(v.getName()).exec());
                    volumes.add(v.getName());
                } catch (RuntimeOperationException e) {
                    if (!(e.getCause() instanceof NotFoundException)) {
                        throw e;
                    }
                }
            }
        }
        LOG.info("Stack {} is down: removed containers {}, networks {}, volumes {}", project, containers, networks,
                volumes);
        return new DownResult(project, containers, networks, volumes);
    }

    @Override
    public List<StackContainer> ps(String project) {
        List<StackContainer> out = new ArrayList<>();
        for (ProjectContainer c : projectContainers(project, false)) {
            InspectContainerResponse inspected;
            try {
                inspected = docker().inspectContainerCmd(c.id()).exec();
            } catch (NotFoundException e) {
                continue; // removed meanwhile
            } catch (RuntimeException e) {
                throw translate("inspect container " + c.name(), e);
            }
            var state = inspected.getState();
            out.add(new StackContainer(c.id(), c.name(), c.label(SERVICE), number(c), c.image(),
                    state.getStatus(), state.getHealth() == null ? null : state.getHealth().getStatus(),
                    state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue(),
                    c.label(CONFIG_HASH)));
        }
        out.sort(Comparator.comparing(StackContainer::service, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparingInt(StackContainer::number));
        return out;
    }

    @Override
    public String logs(String project, String service, int tail) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        for (ProjectContainer c : serviceContainers(project, service)) {
            ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Frame frame) {
                    synchronized (text) {
                        text.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            };
            try {
                clients.streams().logContainerCmd(c.id()).withStdOut(true).withStdErr(true)
                        .withTail(tail <= 0 ? Integer.MAX_VALUE : tail).exec(callback);
                callback.awaitCompletion(1, TimeUnit.MINUTES);
            } catch (RuntimeException e) {
                throw translate("read logs of " + c.name(), e);
            }
        }
        return text.toString();
    }

    @Override
    public List<String> restart(String project, List<String> services) {
        return eachContainer(project, services, "restart", c ->
                docker().restartContainerCmd(c.id()).withTimeout(stopGraceSeconds).exec());
    }

    @Override
    public List<String> stop(String project, List<String> services) {
        return eachContainer(project, services, "stop", c ->
                docker().stopContainerCmd(c.id()).withTimeout(stopGraceSeconds).exec());
    }

    @Override
    public List<String> start(String project, List<String> services) {
        return eachContainer(project, services, "start", c -> docker().startContainerCmd(c.id()).exec());
    }

    @Override
    public List<String> pull(ComposeModel model) throws InterruptedException {
        Set<String> images = new LinkedHashSet<>();
        model.services().values().forEach(s -> images.add(s.image()));
        for (String image : images) {
            imagePull.pull(image);
        }
        return List.copyOf(images);
    }

    private void pullDirect(String image) throws InterruptedException {
        int slash = image.lastIndexOf('/');
        int at = image.indexOf('@');
        int colon = image.lastIndexOf(':');
        String repository = image;
        String tag = "latest";
        if (at >= 0) {
            repository = image.substring(0, at);
            tag = image.substring(at + 1);
        } else if (colon > slash) {
            repository = image.substring(0, colon);
            tag = image.substring(colon + 1);
        }
        try {
            clients.streams().pullImageCmd(repository).withTag(tag)
                    .exec(new ResultCallback.Adapter<>()).awaitCompletion(); // no timeout: slow is not failed
        } catch (RuntimeException e) {
            throw translate("pull image " + image, e);
        }
    }

    private interface ContainerAction {
        void run(ProjectContainer container);
    }

    private List<String> eachContainer(String project, List<String> services, String verb, ContainerAction action) {
        List<String> done = new ArrayList<>();
        for (ProjectContainer c : projectContainers(project, false)) {
            if (services.isEmpty() || services.contains(c.label(SERVICE))) {
                try {
                    call(verb + " container " + c.name(), () -> {
                        action.run(c);
                        return null;
                    });
                } catch (RuntimeOperationException e) {
                    if (!(e.getCause() instanceof NotModifiedException)) { // already stopped / already running
                        throw e;
                    }
                }
                done.add(c.name());
            }
        }
        return done;
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    /** The project's containers, running or not; one-off ones ({@code docker compose run}) only when asked. */
    private List<ProjectContainer> projectContainers(String project, boolean includeOneOff) {
        Map<String, String> filter = new LinkedHashMap<>();
        filter.put(PROJECT, project);
        if (!includeOneOff) {
            filter.put(ONEOFF, "False");
        }
        return call("list containers of " + project, () -> StackReads.containers(clients, filter));
    }

    private List<ProjectContainer> serviceContainers(String project, String service) {
        Map<String, String> filter = new LinkedHashMap<>();
        filter.put(PROJECT, project);
        filter.put(SERVICE, service);
        filter.put(ONEOFF, "False");
        return call("list containers of " + project + "/" + service, () -> StackReads.containers(clients, filter));
    }

    private boolean removeContainer(String id, String name, boolean removeVolumes) {
        try {
            docker().stopContainerCmd(id).withTimeout(stopGraceSeconds).exec();
        } catch (NotModifiedException | NotFoundException ignored) {
            // already stopped or gone
        } catch (RuntimeException e) {
            throw translate("stop container " + name, e);
        }
        try {
            docker().removeContainerCmd(id).withForce(true).withRemoveVolumes(removeVolumes).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw translate("remove container " + name, e);
        }
    }

    private void removeQuietly(String id) {
        try {
            docker().removeContainerCmd(id).withForce(true).exec();
        } catch (RuntimeException e) {
            LOG.warn("Could not remove the half-created container {}: {}", id, e.getMessage());
        }
    }

    private static int number(ProjectContainer c) {
        try {
            return Integer.parseInt(Objects.requireNonNullElse(c.label(NUMBER), "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private <T> T call(String action, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeOperationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw translate(action, e);
        }
    }

    private void call(String action, Runnable request) {
        call(action, () -> {
            request.run();
            return null;
        });
    }

    private RuntimeOperationException translate(String action, RuntimeException e) {
        if (e instanceof RuntimeOperationException already) {
            return already;
        }
        String reason = e instanceof DockerException engine ? engineMessage(engine) + " (HTTP " + engine.getHttpStatus()
                + ")" : String.valueOf(e.getMessage());
        return new RuntimeOperationException("Docker engine at " + clients.dockerHost() + " could not " + action + ": "
                + reason, e);
    }

    private static String engineMessage(DockerException e) {
        String message = String.valueOf(e.getMessage());
        int i = message.indexOf("\"message\":\"");
        if (i >= 0) {
            int end = message.indexOf('"', i + 11);
            return end > 0 ? message.substring(i + 11, end) : message.substring(i + 11);
        }
        return message.replaceFirst("^Status \\d+:\\s*", "").strip();
    }


    /** Asked at each call: the client is built on first use (DockerClients), not with this object. */
    private DockerClient docker() {
        return clients.requests();
    }
}
