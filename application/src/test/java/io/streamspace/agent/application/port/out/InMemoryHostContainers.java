package io.streamspace.agent.application.port.out;

import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.domain.host.ContainerDetails;
import io.streamspace.agent.domain.host.ContainerSummary;
import io.streamspace.agent.domain.host.ContainerUsage;
import io.streamspace.agent.domain.host.EngineInfo;
import io.streamspace.agent.domain.host.ImageSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link HostContainers}, {@link HostImages} and {@link HostEngine} over an {@link InMemorySessionRuntime}: the fake
 * engine's containers (sessions included) as the host's containers. Log lines are written by the test
 * ({@link #writeLog}), each stamped with the time it was written.
 */
public final class InMemoryHostContainers implements HostContainers, HostImages, HostEngine {

    private record LogLine(Instant at, String text) {}

    private final InMemorySessionRuntime runtime;
    private final Map<String, List<LogLine>> logs = new ConcurrentHashMap<>();
    private final Map<String, Instant> created = new ConcurrentHashMap<>();

    public InMemoryHostContainers(InMemorySessionRuntime runtime) {
        this.runtime = runtime;
    }

    public InMemorySessionRuntime runtime() {
        return runtime;
    }

    /** The container wrote {@code line} (stdout) now. */
    public void writeLog(String name, String line) {
        logs.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(new LogLine(Instant.now(), line));
    }

    @Override
    public List<ContainerSummary> list(Map<String, String> labels, boolean includeStopped) {
        List<ContainerSummary> out = new ArrayList<>();
        for (ContainerState c : runtime.findContainers(labels)) {
            if (includeStopped || c.running()) {
                out.add(new ContainerSummary(c.id(), c.name(), c.image(), c.status(), c.status(), c.labels(),
                        createdAt(c.name())));
            }
        }
        return out;
    }

    @Override
    public Optional<ContainerDetails> inspect(String nameOrId) {
        return find(nameOrId).map(c -> {
            ContainerSpec spec = runtime.specOf(c.name()).orElseThrow();
            List<String> env = new ArrayList<>();
            spec.environment().forEach((k, v) -> env.add(k + "=" + v));
            return new ContainerDetails(c.id(), c.name(), c.image(), c.status(), c.exitCode(), c.restartCount(),
                    c.error(), null, createdAt(c.name()), c.running() ? createdAt(c.name()) : null, c.labels(), env,
                    List.of(), Map.of(), spec.network() == null || spec.network().isBlank() ? List.of()
                    : List.of(spec.network()), List.of());
        });
    }

    @Override
    public String logs(String nameOrId, int tail, Instant since) {
        ContainerState c = existing(nameOrId, "read the logs of");
        List<String> lines = logs.getOrDefault(c.name(), List.of()).stream()
                .filter(l -> since == null || !l.at().isBefore(since)).map(LogLine::text).toList();
        List<String> last = lines.subList(Math.max(0, lines.size() - tail), lines.size());
        return last.isEmpty() ? "" : String.join("\n", last) + "\n";
    }

    @Override
    public ContainerUsage stats(String nameOrId) {
        ContainerState c = existing(nameOrId, "read the stats of");
        if (!c.running()) {
            throw new RuntimeOperationException("Fake engine: container " + c.name() + " is not running");
        }
        return new ContainerUsage(0.5, 4 << 20, 0, 0, 0, 1);
    }

    @Override
    public void start(String nameOrId) {
        ContainerState c = existing(nameOrId, "start");
        runtime.startContainer(c.name(), c.labels());
    }

    @Override
    public void stop(String nameOrId, Duration grace) {
        ContainerState c = existing(nameOrId, "stop");
        runtime.stopContainer(c.name(), c.labels(), grace);
    }

    @Override
    public void restart(String nameOrId, Duration grace) {
        ContainerState c = existing(nameOrId, "restart");
        runtime.stopContainer(c.name(), c.labels(), grace);
        runtime.startContainer(c.name(), c.labels());
    }

    @Override
    public List<ImageSummary> list() {
        return runtime.findContainers(Map.of()).stream().map(ContainerState::image).distinct()
                .map(image -> new ImageSummary("sha256:" + Integer.toHexString(image.hashCode()), List.of(image), 1024,
                        Instant.EPOCH)).toList();
    }

    @Override
    public EngineInfo info() {
        List<ContainerState> all = runtime.findContainers(Map.of());
        int running = (int) all.stream().filter(ContainerState::running).count();
        int paused = (int) all.stream().filter(c -> "paused".equals(c.status())).count();
        return new EngineInfo("in-memory", "1.41", "fake", "fake", "x86_64", 2, 1L << 30, all.size(), running, paused,
                all.size() - running - paused, list().size(), "memory");
    }

    private Optional<ContainerState> find(String nameOrId) {
        Optional<ContainerState> byName = runtime.inspect(nameOrId);
        if (byName.isPresent()) {
            return byName;
        }
        return runtime.findContainers(Map.of()).stream().filter(c -> c.id().startsWith(nameOrId)).findFirst();
    }

    private ContainerState existing(String nameOrId, String action) {
        return find(nameOrId).orElseThrow(() -> new RuntimeOperationException("Fake engine cannot " + action
                + " container " + nameOrId + ": no such container"));
    }

    private Instant createdAt(String name) {
        return created.computeIfAbsent(name, n -> Instant.now());
    }
}
