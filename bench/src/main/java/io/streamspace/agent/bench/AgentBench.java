package io.streamspace.agent.bench;

import com.github.dockerjava.api.DockerClient;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Session start/stop latency, burst wall time and memory of the agent (a separate JVM from the shaded jar,
 * driven through the control-plane simulator over its WebSocket) against the raw Docker engine doing the same
 * work in the same run. Samples of the two sides are interleaved (alternating which goes first) so that load
 * from other work on the machine hits both alike. Every object is labelled and removed at the end.
 *
 * <p>Options ({@code --name=value}): {@code jar}, {@code out}, {@code iterations} (20), {@code warmup} (3),
 * {@code burst} (12), {@code rounds} (5), {@code low-parallel} (4), {@code high-parallel} (12), {@code image},
 * {@code agent-jvm-opts} (space separated, default none), {@code settle-seconds} (5).
 */
public final class AgentBench {

    private static final String KEY = "0123456789abcdef".repeat(4);
    private static final Duration WAIT = Duration.ofMinutes(2);

    private final Map<String, String> options;
    private final int iterations;
    private final int warmup;
    private final int burst;
    private final int rounds;
    private final int lowParallel;
    private final int highParallel;
    private final String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    private final RawEngine.Workload workload;
    private final AtomicInteger sessionCounter = new AtomicInteger();
    private final int sessionBase = ThreadLocalRandom.current().nextInt(0x1000) << 16;
    private final StringBuilder report = new StringBuilder();
    private final List<String> agentIds = new ArrayList<>();

    private DockerClients clients;
    private DockerClient docker;
    private RawEngine raw;
    private ControlPlaneSimulator controlPlane;
    private final List<AgentProcess> agents = new ArrayList<>();
    private volatile boolean cleanedUp;

    private AgentBench(Map<String, String> options) {
        this.options = options;
        iterations = intOption("iterations", 20);
        warmup = intOption("warmup", 3);
        burst = intOption("burst", 12);
        rounds = intOption("rounds", 5);
        lowParallel = intOption("low-parallel", 4);
        highParallel = intOption("high-parallel", 12);
        workload = new RawEngine.Workload(options.getOrDefault("image", "streamspace-test/vnc-echo:latest"),
                "bench", "vnc", 256L * 1024 * 1024, "256Mi", 250, "250m", 5900, 512, "/config");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("options are --name=value, got " + arg);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        AgentBench bench = new AgentBench(options);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::cleanUp, "bench-cleanup"));
        int code = 0;
        try {
            bench.run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            code = 1;
        } finally {
            bench.cleanUp();
        }
        System.exit(code);
    }

    private void run() throws Exception {
        Path jar = Path.of(options.getOrDefault("jar", "bootstrap/target/docker-agent.jar")).toAbsolutePath();
        Path out = Files.createDirectories(Path.of(options.getOrDefault("out", "bench/target/bench-run")));
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path java = javaHome.resolve("bin/java");
        Path jcmd = javaHome.resolve("bin/jcmd");
        String opts = options.getOrDefault("agent-jvm-opts", "").strip();
        List<String> jvmOptions = opts.isEmpty() ? List.of() : Arrays.asList(opts.split("\\s+"));
        int settle = intOption("settle-seconds", 5);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar not found: " + jar + " (bench/run.sh builds it)");
        }

        String dockerHost = System.getenv().getOrDefault("DOCKER_HOST", DockerClients.DEFAULT_HOST);
        clients = DockerClients.create(dockerHost);
        docker = clients.requests();
        docker.inspectImageCmd(workload.image()).exec(); // fails fast when scripts/setup-env.sh has not run
        var version = docker.versionCmd().exec();
        int othersRunning = docker.listContainersCmd().exec().size();

        line("# Agent benchmark run %s", runId);
        line("");
        line("- date: %s", LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 19));
        line("- machine: %d CPUs (nproc), %s, kernel %s", Runtime.getRuntime().availableProcessors(), memTotal(),
                System.getProperty("os.version"));
        line("- load average at start: %s; other containers already running on the engine: %d", loadAverage(),
                othersRunning);
        line("- Docker engine %s (API %s), %s", version.getVersion(), version.getApiVersion(), dockerHost);
        line("- JVM (bench and agent): %s %s", System.getProperty("java.vm.name"), System.getProperty("java.version"));
        line("- agent JVM options: %s", jvmOptions.isEmpty() ? "none (JVM defaults)" : String.join(" ", jvmOptions));
        line("- workload: image %s, memory %s, cpu %s, pids 512, persistent home volume, port %d published on"
                        + " 127.0.0.1, restart unless-stopped, no-new-privileges", workload.image(), workload.memory(),
                workload.cpu(), workload.vncPort());
        line("- iterations %d (after %d warm-up start+stop pairs per side), burst %d, rounds %d", iterations, warmup,
                burst, rounds);
        line("");

        raw = new RawEngine(docker, runId, "ssbench-" + runId + "-raw");
        raw.createNetwork();
        String lowId = "bench-" + runId + "-p" + lowParallel;
        String highId = "bench-" + runId + "-p" + highParallel;
        agentIds.add(lowId);
        agentIds.add(highId);
        controlPlane = ControlPlaneSimulator.builder().port(0).agent(lowId, KEY).agent(highId, KEY).start();
        String url = controlPlane.webSocketBaseUrl().toString();

        // ---- agent with the default bound: sequential latency, memory, bursts
        progress("launching agent %s (--max-parallel-starts %d)", lowId, lowParallel);
        long launchedAt = System.nanoTime();
        AgentProcess low = AgentProcess.launch(java, jar, jvmOptions, lowId, KEY, url, "ssbench-" + runId + "-a"
                + lowParallel, lowParallel, out);
        agents.add(low);
        controlPlane.awaitConnected(lowId, Duration.ofSeconds(90));
        double connectMs = ms(System.nanoTime() - launchedAt);
        Thread.sleep(settle * 1000L);
        Memory idle = memory(low, jcmd);

        progress("warm-up: %d start+stop pairs per side", warmup);
        for (int i = 0; i < warmup; i++) {
            String s = agentStart(low);
            agentStop(low, s);
            raw.stop(raw.start(nextSessionId(), workload));
        }

        progress("sequential starts: %d per side", iterations);
        List<Double> agentStarts = new ArrayList<>();
        List<Double> rawStarts = new ArrayList<>();
        List<String> agentSessions = new ArrayList<>();
        List<String> rawContainers = new ArrayList<>();
        long cpuBefore = cpuTicks(low);
        for (int i = 0; i < iterations; i++) {
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == (i % 2 == 0)) {
                    long t = System.nanoTime();
                    agentSessions.add(agentStart(low));
                    agentStarts.add(ms(System.nanoTime() - t));
                } else {
                    long t = System.nanoTime();
                    rawContainers.add(raw.start(nextSessionId(), workload));
                    rawStarts.add(ms(System.nanoTime() - t));
                }
            }
        }
        double cpuPerStartMs = (cpuTicks(low) - cpuBefore) * 10.0 / iterations; // 100 ticks per second
        progress("memory with %d running sessions", iterations);
        Memory busy = memory(low, jcmd);

        progress("sequential stops: %d per side", iterations);
        List<Double> agentStops = new ArrayList<>();
        List<Double> rawStops = new ArrayList<>();
        for (int i = 0; i < iterations; i++) {
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == (i % 2 == 0)) {
                    long t = System.nanoTime();
                    agentStop(low, agentSessions.get(i));
                    agentStops.add(ms(System.nanoTime() - t));
                } else {
                    long t = System.nanoTime();
                    raw.stop(rawContainers.get(i));
                    rawStops.add(ms(System.nanoTime() - t));
                }
            }
        }

        progress("bursts of %d with agent bound %d", burst, lowParallel);
        Map<String, List<Burst>> bursts = new LinkedHashMap<>();
        List<Callable<Burst>> lowRound = List.of(
                () -> agentBurst(low, "agent, --max-parallel-starts " + lowParallel),
                () -> rawBurst(burst, "raw engine, " + burst + " in parallel"),
                () -> rawBurst(lowParallel, "raw engine, at most " + lowParallel + " at once"));
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < lowRound.size(); k++) {
                Burst b = lowRound.get((k + r) % lowRound.size()).call();
                bursts.computeIfAbsent(b.label(), x -> new ArrayList<>()).add(b);
            }
        }
        Memory afterBursts = memory(low, jcmd);
        low.close();

        // ---- agent with the bound at the burst size
        progress("launching agent %s (--max-parallel-starts %d)", highId, highParallel);
        AgentProcess high = AgentProcess.launch(java, jar, jvmOptions, highId, KEY, url, "ssbench-" + runId + "-a"
                + highParallel, highParallel, out);
        agents.add(high);
        controlPlane.awaitConnected(highId, Duration.ofSeconds(90));
        for (int i = 0; i < warmup; i++) {
            agentStop(high, agentStart(high));
        }
        progress("bursts of %d with agent bound %d", burst, highParallel);
        List<Callable<Burst>> highRound = List.of(
                () -> agentBurst(high, "agent, --max-parallel-starts " + highParallel),
                () -> rawBurst(burst, "raw engine, " + burst + " in parallel"));
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < highRound.size(); k++) {
                Burst b = highRound.get((k + r) % highRound.size()).call();
                bursts.computeIfAbsent(b.label(), x -> new ArrayList<>()).add(b);
            }
        }
        high.close();

        // ---- report
        line("## Sequential session start (ms, %d samples per side)", iterations);
        line("");
        latencyTable(agentStarts, rawStarts);
        line("Agent CPU time per start (user+system of the agent JVM over the %d starts): %.0f ms", iterations,
                cpuPerStartMs);
        line("");
        line("## Sequential session stop (ms, %d samples per side)", iterations);
        line("");
        latencyTable(agentStops, rawStops);
        line("## Burst of %d starts sent at once (%d rounds; wall time until the last one runs, ms)", burst, rounds);
        line("");
        line("| who | rounds | median wall | min wall | max wall | each round's wall | first session running"
                + " (median over rounds) | median per-start latency (send → running, incl. queueing) |"
                + " stop burst wall (median) |");
        line("|---|---:|---:|---:|---:|---|---:|---:|---:|");
        for (var e : bursts.entrySet()) {
            List<Double> walls = e.getValue().stream().map(Burst::startWallMs).toList();
            List<Double> firsts = e.getValue().stream().map(b -> Stats.of(b.perStartMs()).min()).toList();
            List<Double> perStart = e.getValue().stream().flatMap(b -> b.perStartMs().stream()).toList();
            List<Double> stopWalls = e.getValue().stream().map(Burst::stopWallMs).toList();
            Stats w = Stats.of(walls);
            line("| %s | %d | %.0f | %.0f | %.0f | %s | %.0f | %.0f | %.0f |", e.getKey(), walls.size(), w.median(),
                    w.min(), w.max(), join(walls), Stats.of(firsts).median(), Stats.of(perStart).median(),
                    Stats.of(stopWalls).median());
        }
        line("");
        line("The raw 'in parallel' row collects the rounds run next to both agents.");
        line("");
        line("## Agent memory (agent %s, JVM options: %s)", lowId,
                jvmOptions.isEmpty() ? "JVM defaults" : String.join(" ", jvmOptions));
        line("");
        line("Launch to first WebSocket connection: %.0f ms.", connectMs);
        line("");
        line("| when | RSS (MiB) | peak RSS so far (MiB) | heap used (MiB) | heap committed (MiB) | heap used after GC.run (MiB) |");
        line("|---|---:|---:|---:|---:|---:|");
        memoryRow("idle, " + settle + " s after connecting", idle);
        memoryRow(iterations + " sessions running", busy);
        memoryRow("after the bursts, 0 sessions", afterBursts);
        line("");
        line("jcmd GC.heap_info (idle): `%s`", idle.heap().line());
        line("");
        line("- load average at end: %s", loadAverage());
        line("- agent logs: %s", out.toAbsolutePath());
        Path file = out.resolve("results-" + runId + ".md");
        Files.writeString(file, report);
        progress("results written to %s", file);
    }

    // ------------------------------------------------------------------------------------------- agent side

    private Map<String, Object> startPayload(String sessionId) {
        Map<String, Object> port = Map.of("name", "vnc", "containerPort", workload.vncPort(), "protocol", "TCP");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("displayName", "Bench VNC");
        spec.put("baseImage", workload.image());
        spec.put("defaultResources", Map.of("memory", workload.memory(), "cpu", workload.cpu()));
        spec.put("ports", List.of(port));
        spec.put("vnc", Map.of("enabled", true, "port", workload.vncPort()));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("sessionId", sessionId);
        payload.put("user", workload.user());
        payload.put("template", workload.template());
        payload.put("templateManifest", Map.of("apiVersion", "stream.space/v1alpha1", "kind", "Template",
                "metadata", Map.of("name", workload.template(), "namespace", "streamspace"), "spec", spec));
        payload.put("namespace", "streamspace");
        payload.put("memory", workload.memory());
        payload.put("cpu", workload.cpu());
        payload.put("persistentHome", true);
        payload.put("idleTimeout", "");
        payload.put("maxSessionDuration", "");
        payload.put("tags", null);
        return payload;
    }

    private String agentStart(AgentProcess agent) {
        String sessionId = nextSessionId();
        complete(controlPlane.sendCommand(agent.agentId, "start_session", startPayload(sessionId)));
        return sessionId;
    }

    private void agentStop(AgentProcess agent, String sessionId) {
        complete(controlPlane.sendCommand(agent.agentId, "stop_session",
                Map.of("sessionId", sessionId, "namespace", "streamspace")));
    }

    private CommandState complete(String commandId) {
        try {
            return controlPlane.awaitCommandStatus(commandId, CommandState.Status.COMPLETED, WAIT);
        } catch (AssertionError e) {
            CommandState state = controlPlane.commandState(commandId);
            throw new IllegalStateException("command " + commandId + " did not complete: "
                    + (state == null ? "unknown" : state.status() + " " + state.error()), e);
        }
    }

    private Burst agentBurst(AgentProcess agent, String label) {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            sessions.add(nextSessionId());
        }
        List<String> commands = new ArrayList<>();
        List<Instant> sentAt = new ArrayList<>();
        long t0 = System.nanoTime();
        for (String s : sessions) {
            sentAt.add(Instant.now());
            commands.add(controlPlane.sendCommand(agent.agentId, "start_session", startPayload(s)));
        }
        List<Double> perStart = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            CommandState done = complete(commands.get(i));
            perStart.add(Duration.between(sentAt.get(i), done.updatedAt()).toNanos() / 1e6);
        }
        double wall = ms(System.nanoTime() - t0);
        long s0 = System.nanoTime();
        List<String> stops = new ArrayList<>();
        for (String s : sessions) {
            stops.add(controlPlane.sendCommand(agent.agentId, "stop_session",
                    Map.of("sessionId", s, "namespace", "streamspace")));
        }
        stops.forEach(this::complete);
        double stopWall = ms(System.nanoTime() - s0);
        progress("  %s: %.0f ms (stop %.0f ms)", label, wall, stopWall);
        return new Burst(label, wall, perStart, stopWall);
    }

    // ------------------------------------------------------------------------------------------- raw side

    private Burst rawBurst(int parallel, String label) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(burst);
        try {
            Semaphore bound = new Semaphore(parallel, true);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<double[]>> results = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                String sessionId = nextSessionId();
                results.add(pool.submit(() -> {
                    go.await();
                    long t = System.nanoTime();
                    bound.acquire();
                    try {
                        String id = raw.start(sessionId, workload);
                        synchronized (ids) {
                            ids.add(id);
                        }
                    } finally {
                        bound.release();
                    }
                    return new double[] {ms(System.nanoTime() - t)};
                }));
            }
            long t0 = System.nanoTime();
            go.countDown();
            List<Double> perStart = new ArrayList<>();
            for (Future<double[]> f : results) {
                perStart.add(f.get()[0]);
            }
            double wall = ms(System.nanoTime() - t0);
            long s0 = System.nanoTime();
            List<Future<?>> stops = new ArrayList<>();
            for (String id : ids) {
                stops.add(pool.submit(() -> raw.stop(id)));
            }
            for (Future<?> f : stops) {
                f.get();
            }
            double stopWall = ms(System.nanoTime() - s0);
            progress("  %s: %.0f ms (stop %.0f ms)", label, wall, stopWall);
            return new Burst(label, wall, perStart, stopWall);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    private record Burst(String label, double startWallMs, List<Double> perStartMs, double stopWallMs) {}

    private record Memory(long rssKiB, long peakKiB, AgentProcess.Heap heap, AgentProcess.Heap afterGc) {}

    private Memory memory(AgentProcess agent, Path jcmd) throws IOException, InterruptedException {
        long rss = agent.rssKiB(false); // before jcmd attaches, which adds threads of its own
        long peak = agent.rssKiB(true);
        AgentProcess.Heap heap = agent.heap(jcmd, false);
        AgentProcess.Heap afterGc = agent.heap(jcmd, true);
        return new Memory(rss, peak, heap, afterGc);
    }

    private void memoryRow(String when, Memory m) {
        line("| %s | %.1f | %.1f | %.1f | %.1f | %.1f |", when, m.rssKiB() / 1024.0, m.peakKiB() / 1024.0,
                m.heap().usedKiB() / 1024.0, m.heap().committedKiB() / 1024.0, m.afterGc().usedKiB() / 1024.0);
    }

    private void latencyTable(List<Double> agent, List<Double> rawSide) {
        Stats a = Stats.of(agent);
        Stats r = Stats.of(rawSide);
        line("| side | median | p90 | max | min | mean |");
        line("|---|---:|---:|---:|---:|---:|");
        line("| agent (simulator → agent → engine → complete) | %.1f | %.1f | %.1f | %.1f | %.1f |", a.median(), a.p90(),
                a.max(), a.min(), a.mean());
        line("| raw engine (docker-java, minimal calls) | %.1f | %.1f | %.1f | %.1f | %.1f |", r.median(), r.p90(),
                r.max(), r.min(), r.mean());
        line("| agent overhead | %+.1f (%.2fx) | %+.1f | %+.1f | | |", a.median() - r.median(), a.median() / r.median(),
                a.p90() - r.p90(), a.max() - r.max());
        line("");
        line("Samples (ms, in order) agent: %s", join(agent));
        line("");
        line("Samples (ms, in order) raw: %s", join(rawSide));
        line("");
    }

    private static String join(List<Double> values) {
        return String.join(" ", values.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList());
    }

    private String nextSessionId() {
        return "bench-vnc-" + String.format("%08x", sessionBase + sessionCounter.incrementAndGet());
    }

    private static long cpuTicks(AgentProcess agent) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(agent.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB RAM",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private int intOption(String name, int fallback) {
        String v = options.get(name);
        return v == null ? fallback : Integer.parseInt(v);
    }

    private void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        report.append(text).append('\n');
        System.out.println(text);
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }

    /** Stops the agents, then removes every container, volume and network of this run, by label. */
    private synchronized void cleanUp() {
        if (cleanedUp) {
            return;
        }
        cleanedUp = true;
        for (AgentProcess agent : agents) {
            try {
                agent.close();
            } catch (InterruptedException | RuntimeException e) {
                progress("could not stop agent %s: %s", agent.agentId, e);
            }
        }
        if (controlPlane != null) {
            controlPlane.stop();
        }
        if (docker != null) {
            try {
                progress("cleanup %s=%s: %s", RawEngine.BENCH_LABEL, runId,
                        RawEngine.removeLabelled(docker, RawEngine.BENCH_LABEL, runId));
                for (String id : agentIds) {
                    progress("cleanup streamspace.agent.id=%s: %s", id,
                            RawEngine.removeLabelled(docker, "streamspace.agent.id", id));
                }
            } catch (RuntimeException e) {
                progress("cleanup failed (remove objects labelled %s=%s or streamspace.agent.id=bench-%s-* by hand): %s",
                        RawEngine.BENCH_LABEL, runId, runId, e);
            }
        }
        if (clients != null) {
            clients.close();
        }
    }
}
