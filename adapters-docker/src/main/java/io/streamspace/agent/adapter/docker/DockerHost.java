package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Statistics;
import io.streamspace.agent.application.port.out.HostContainers;
import io.streamspace.agent.application.port.out.HostEngine;
import io.streamspace.agent.application.port.out.HostImages;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.domain.host.ContainerDetails;
import io.streamspace.agent.domain.host.ContainerSummary;
import io.streamspace.agent.domain.host.ContainerUsage;
import io.streamspace.agent.domain.host.EngineInfo;
import io.streamspace.agent.domain.host.ImageSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@link HostContainers}, {@link HostImages} and {@link HostEngine} on docker-java: any container of the engine, by
 * name or id (the engine resolves both, and unique id prefixes). Logs and stats are read once, never followed, with a
 * deadline, and their responses are always closed, so no call leaves a connection behind.
 */
public final class DockerHost implements HostContainers, HostImages, HostEngine {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final DockerClients clients;

    public DockerHost(DockerClients clients) {
        this.clients = clients;
    }

    // --- containers ----------------------------------------------------------------------------------------

    @Override
    public List<ContainerSummary> list(Map<String, String> labels, boolean includeStopped) {
        List<Container> listed = call("list containers", () -> {
            var cmd = docker().listContainersCmd().withShowAll(includeStopped);
            if (!labels.isEmpty()) {
                cmd.withLabelFilter(labels);
            }
            return cmd.exec();
        });
        List<ContainerSummary> out = new ArrayList<>();
        for (Container c : listed) {
            out.add(new ContainerSummary(c.getId(), nameOf(c.getNames()), c.getImage(), c.getState(), c.getStatus(),
                    c.getLabels(), c.getCreated() == null ? null : Instant.ofEpochSecond(c.getCreated())));
        }
        return out;
    }

    @Override
    public Optional<ContainerDetails> inspect(String nameOrId) {
        requireRef(nameOrId);
        InspectContainerResponse r;
        try {
            r = docker().inspectContainerCmd(nameOrId).exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw DockerErrors.translate("inspect container " + nameOrId, clients.dockerHost(), e);
        }
        ContainerConfig config = r.getConfig();
        InspectContainerResponse.ContainerState state = r.getState();
        String health = state == null || state.getHealth() == null ? null : state.getHealth().getStatus();
        Map<String, String> ports = new TreeMap<>();
        if (r.getNetworkSettings() != null && r.getNetworkSettings().getPorts() != null) {
            for (Map.Entry<ExposedPort, Ports.Binding[]> e : r.getNetworkSettings().getPorts().getBindings()
                    .entrySet()) {
                String published = e.getValue() == null ? "" : String.join(",", Arrays.stream(e.getValue())
                        .map(b -> (b.getHostIp() == null ? "" : b.getHostIp()) + ":" + b.getHostPortSpec()).toList());
                ports.put(e.getKey().toString(), published);
            }
        }
        List<String> networks = r.getNetworkSettings() == null || r.getNetworkSettings().getNetworks() == null
                ? List.of() : List.copyOf(new TreeMap<>(r.getNetworkSettings().getNetworks()).keySet());
        List<String> mounts = r.getMounts() == null ? List.of() : r.getMounts().stream()
                .map(m -> (m.getName() != null ? m.getName() : String.valueOf(m.getSource())) + ":"
                        + (m.getDestination() == null ? "?" : m.getDestination().getPath())).toList();
        return Optional.of(new ContainerDetails(r.getId(), stripSlash(r.getName()),
                config == null ? null : config.getImage(),
                state == null ? "unknown" : state.getStatus(),
                state == null || state.getExitCodeLong() == null ? 0 : state.getExitCodeLong().intValue(),
                r.getRestartCount() == null ? 0 : r.getRestartCount(),
                state == null ? null : state.getError(),
                health == null || "none".equals(health) ? null : health,
                instant(r.getCreated()),
                state == null ? null : instant(state.getStartedAt()),
                config == null ? Map.of() : config.getLabels(),
                config == null || config.getEnv() == null ? List.of() : Arrays.asList(config.getEnv()),
                config == null || config.getCmd() == null ? List.of() : Arrays.asList(config.getCmd()),
                ports, networks, mounts));
    }

    @Override
    public String logs(String nameOrId, int tail, Instant since) throws InterruptedException {
        requireRef(nameOrId);
        if (tail < 1) {
            throw new IllegalArgumentException("tail must be at least 1, got " + tail);
        }
        LogText collector = new LogText();
        try (collector) {
            var cmd = clients.streams().logContainerCmd(nameOrId).withStdOut(true).withStdErr(true).withTail(tail);
            if (since != null) {
                cmd.withSince((int) Math.max(0, Math.min(Integer.MAX_VALUE, since.getEpochSecond())));
            }
            cmd.exec(collector);
            if (!collector.awaitCompletion(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RuntimeOperationException("Reading the logs of container " + nameOrId + " from the Docker"
                        + " engine at " + clients.dockerHost() + " took longer than " + READ_TIMEOUT.toSeconds()
                        + " s");
            }
        } catch (IOException closing) {
            // the response is complete or abandoned either way
        } catch (RuntimeException e) {
            throw DockerErrors.translate("read the logs of container " + nameOrId, clients.dockerHost(), e);
        }
        if (collector.failure instanceof RuntimeException e) {
            throw DockerErrors.translate("read the logs of container " + nameOrId, clients.dockerHost(), e);
        }
        return collector.text();
    }

    @Override
    public ContainerUsage stats(String nameOrId) throws InterruptedException {
        requireRef(nameOrId);
        StatsSample sample = new StatsSample();
        try (sample) {
            clients.streams().statsCmd(nameOrId).withNoStream(true).exec(sample);
            if (!sample.awaitCompletion(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RuntimeOperationException("Reading the stats of container " + nameOrId + " took longer than "
                        + READ_TIMEOUT.toSeconds() + " s");
            }
        } catch (IOException closing) {
            // the response is complete or abandoned either way
        } catch (RuntimeException e) {
            throw DockerErrors.translate("read the stats of container " + nameOrId, clients.dockerHost(), e);
        }
        if (sample.failure instanceof RuntimeException e) {
            throw DockerErrors.translate("read the stats of container " + nameOrId, clients.dockerHost(), e);
        }
        Statistics s = sample.statistics;
        if (s == null) {
            throw new RuntimeOperationException("The Docker engine at " + clients.dockerHost()
                    + " sent no stats for container " + nameOrId);
        }
        return usage(s);
    }

    @Override
    public void start(String nameOrId) {
        requireRef(nameOrId);
        try {
            docker().startContainerCmd(nameOrId).exec();
        } catch (NotModifiedException alreadyRunning) {
            // running already: nothing to do
        } catch (RuntimeException e) {
            throw DockerErrors.translate("start container " + nameOrId, clients.dockerHost(), e);
        }
    }

    @Override
    public void stop(String nameOrId, Duration grace) {
        requireRef(nameOrId);
        try {
            // The stream client: the engine answers only after the grace period, which may exceed the response timeout.
            clients.streams().stopContainerCmd(nameOrId).withTimeout(seconds(grace)).exec();
        } catch (NotModifiedException alreadyStopped) {
            // stopped already: nothing to do
        } catch (RuntimeException e) {
            throw DockerErrors.translate("stop container " + nameOrId, clients.dockerHost(), e);
        }
    }

    @Override
    public void restart(String nameOrId, Duration grace) {
        requireRef(nameOrId);
        try {
            clients.streams().restartContainerCmd(nameOrId).withTimeout(seconds(grace)).exec();
        } catch (RuntimeException e) {
            throw DockerErrors.translate("restart container " + nameOrId, clients.dockerHost(), e);
        }
    }

    // --- images and engine ---------------------------------------------------------------------------------

    @Override
    public List<ImageSummary> list() {
        List<Image> images = call("list images", () -> docker().listImagesCmd().exec());
        List<ImageSummary> out = new ArrayList<>();
        for (Image i : images) {
            List<String> tags = i.getRepoTags() == null ? List.of() : Arrays.stream(i.getRepoTags())
                    .filter(t -> !"<none>:<none>".equals(t)).toList();
            out.add(new ImageSummary(i.getId(), tags, i.getSize() == null ? 0 : i.getSize(),
                    i.getCreated() == null ? null : Instant.ofEpochSecond(i.getCreated())));
        }
        out.sort(Comparator.comparing(ImageSummary::created, Comparator.nullsLast(Comparator.reverseOrder())));
        return out;
    }

    @Override
    public EngineInfo info() {
        Info info = call("describe itself", () -> docker().infoCmd().exec());
        String api = call("report its API version", () -> docker().versionCmd().exec().getApiVersion());
        return new EngineInfo(info.getServerVersion(), api, info.getOperatingSystem(), info.getKernelVersion(),
                info.getArchitecture(), orZero(info.getNCPU()), info.getMemTotal() == null ? 0 : info.getMemTotal(),
                orZero(info.getContainers()), orZero(info.getContainersRunning()), orZero(info.getContainersPaused()),
                orZero(info.getContainersStopped()), orZero(info.getImages()), info.getDriver());
    }

    // ---------------------------------------------------------------------------------------------------------

    static ContainerUsage usage(Statistics s) {
        double cpuPercent = 0;
        CpuStatsConfig cpu = s.getCpuStats();
        CpuStatsConfig pre = s.getPreCpuStats();
        if (cpu != null && pre != null && cpu.getCpuUsage() != null && pre.getCpuUsage() != null
                && cpu.getSystemCpuUsage() != null && pre.getSystemCpuUsage() != null) {
            long cpuDelta = orZero(cpu.getCpuUsage().getTotalUsage()) - orZero(pre.getCpuUsage().getTotalUsage());
            long systemDelta = cpu.getSystemCpuUsage() - pre.getSystemCpuUsage();
            long online = cpu.getOnlineCpus() != null ? cpu.getOnlineCpus()
                    : cpu.getCpuUsage().getPercpuUsage() == null ? 1 : cpu.getCpuUsage().getPercpuUsage().size();
            if (cpuDelta > 0 && systemDelta > 0) {
                cpuPercent = (double) cpuDelta / systemDelta * online * 100.0;
            }
        }
        long memory = s.getMemoryStats() == null ? 0 : orZero(s.getMemoryStats().getUsage());
        long limit = s.getMemoryStats() == null ? 0 : orZero(s.getMemoryStats().getLimit());
        long rx = 0;
        long tx = 0;
        if (s.getNetworks() != null) {
            for (var n : s.getNetworks().values()) {
                rx += orZero(n.getRxBytes());
                tx += orZero(n.getTxBytes());
            }
        }
        long pids = s.getPidsStats() == null ? 0 : orZero(s.getPidsStats().getCurrent());
        return new ContainerUsage(Math.round(cpuPercent * 100) / 100.0, memory, limit, rx, tx, pids);
    }

    private <T> T call(String action, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw DockerErrors.translate(action, clients.dockerHost(), e);
        }
    }

    private static void requireRef(String nameOrId) {
        if (nameOrId == null || nameOrId.isBlank()) {
            throw new IllegalArgumentException("container name or id must not be blank");
        }
    }

    private static int seconds(Duration grace) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000));
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private static String nameOf(String[] names) {
        return names == null || names.length == 0 ? null : stripSlash(names[0]);
    }

    private static String stripSlash(String name) {
        return name != null && name.startsWith("/") ? name.substring(1) : name;
    }

    private static Instant instant(String text) {
        if (text == null || text.isBlank() || text.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static void closeQuietly(ResultCallback.Adapter<?> callback) {
        try {
            callback.close();
        } catch (IOException | RuntimeException ignored) {
            // closed either way
        }
    }

    /** Both log streams as the engine sends them, as text. */
    private static final class LogText extends ResultCallback.Adapter<Frame> {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile Throwable failure;

        @Override
        public void onNext(Frame frame) {
            synchronized (bytes) {
                bytes.writeBytes(frame.getPayload());
            }
        }

        @Override
        public void onError(Throwable throwable) {
            failure = throwable;
            closeQuietly(this); // ends the wait; the caller reports the failure (the template would log a trace)
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /** The one sample of a no-stream stats call. */
    private static final class StatsSample extends ResultCallback.Adapter<Statistics> {
        private volatile Statistics statistics;
        private volatile Throwable failure;

        @Override
        public void onNext(Statistics object) {
            if (statistics == null) {
                statistics = object;
            }
        }

        @Override
        public void onError(Throwable throwable) {
            failure = throwable;
            closeQuietly(this); // ends the wait; the caller reports the failure (the template would log a trace)
        }
    }

    /** Asked at each call: the client is built on first use (DockerClients), not with this object. */
    private DockerClient docker() {
        return clients.requests();
    }
}
