package io.streamspace.agent.bench;

import static io.streamspace.agent.bench.BenchEnv.progress;
import static io.streamspace.agent.bench.BenchEnv.rssMiB;
import static io.streamspace.agent.bench.BenchEnv.sleepQuietly;

import io.streamspace.agent.bench.Report.Figure;
import io.streamspace.agent.bench.Report.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Point 4: resident memory of the agent with the launcher's default flags, idle, with 20 sessions and after many
 * start/stop cycles; beside it the same agent with the JVM's defaults (no flags, no CDS archive), in the same run.
 * Then a ladder of flag sets, adding one setting at a time, to show what each buys (idle RSS and start-up).
 */
final class MemorySection {

    /** The ladder: each step adds one setting to the previous one; the last is the launcher's default set. */
    static final List<String[]> LADDER = List.of(
            new String[] {"JVM defaults (G1, heap ¼ of RAM, C2)", ""},
            new String[] {"+ Serial GC", "-XX:+UseSerialGC"},
            new String[] {"+ heap 8–128 MiB, shrink eagerly",
                    "-Xms8m -Xmx128m -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10"},
            new String[] {"+ C1 only, 32 MiB code cache", "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m"},
            new String[] {"+ 512 KiB thread stacks, 32 MiB direct memory", "-Xss512k -XX:MaxDirectMemorySize=32m"});

    /** Added by the launcher on Java >= 22 (outside DEFAULT_JVM_OPTS, which must also run on 21). */
    static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=5000";

    private final BenchEnv env;
    private final Report report;
    private final int cycles;
    private final int settleMs;
    /**
     * Idle means settled: the JVM gives start-up's native memory back (~6 MiB) at its first native heap trim, which
     * the launcher runs every 5 s; a reading a few seconds after the first heartbeat still holds it (and showed the
     * trim buying nothing in the ladder). Two trim periods after the phase, the reading is the agent's steady state.
     * An idle agent's reading always waits that long (start-up frees memory for a few seconds after the heartbeat);
     * after the other phases quick mode waits 7 s, which still holds one whole trim period.
     */
    private static final int IDLE_SETTLED_MS = 12_000;
    private final int settledMs;

    MemorySection(BenchEnv env, Report report, int cycles) {
        this.env = env;
        this.report = report;
        this.cycles = cycles;
        this.settleMs = env.quick ? 3000 : 5000;
        this.settledMs = env.quick ? 7000 : 12_000;
    }

    /** RSS {@link #settleMs} after each phase (early) and {@link #settledMs} after it (settled). */
    record Footprint(double early, double idle, double twentyEarly, double twenty, int threadsIdle, int threadsTwenty) {}

    void run() throws Exception {
        progress("memory: agent with the launcher's defaults");
        AgentProcess agent = env.startAgent("mem");
        Footprint tuned = footprint(agent);
        progress("memory: idle %.1f MiB, 20 sessions %.1f MiB", tuned.idle(), tuned.twenty());

        progress("memory: %d start/stop cycles, 4 at a time", cycles);
        // the reference: settled after the 20-session phase, as the reading after the cycles is
        sleepQuietly(settledMs);
        double before = rssMiB(agent);
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        // where the growth goes: the JIT's compiled code and the committed heap, read without a collection
        long codeBefore = agent.codeCacheUsedKiB(jcmd);
        AgentProcess.Heap heapBefore = agent.heap(jcmd, false);
        long t = System.nanoTime();
        // RSS after each quarter tells warm-up (the JIT's code cache fills, then stops) from a leak (keeps growing)
        List<Double> quarters = new ArrayList<>();
        for (int q = 0; q < 4; q++) {
            runCycles(agent, cycles * (q + 1) / 4 - cycles * q / 4);
            quarters.add(rssMiB(agent));
        }
        double cyclesSeconds = (System.nanoTime() - t) / 1e9;
        sleepQuietly(settledMs);
        double after = rssMiB(agent);
        double peak = agent.rssKiB(true) / 1024.0;
        long codeAfter = agent.codeCacheUsedKiB(jcmd);
        AgentProcess.Heap heapAfter = agent.heap(jcmd, false);
        AgentProcess.Heap live = agent.heap(jcmd, true);
        // last, as it attaches to the agent many times: what the virtual threads carry
        progress("memory: virtual threads while 20 sessions start at once");
        ThreadUse threadUse = threadUse(agent, jcmd);
        agent.close();
        ThreadCosts costs = threadCosts();
        double growth = (after - before) / before * 100;
        progress("memory: before cycles %.1f MiB, after %.1f MiB (%+.1f %%)", before, after, growth);

        progress("memory: agent with the launcher's defaults and its status panel on");
        AgentProcess panel = env.startAgent("mempanel", "--status-port", "0");
        sleepQuietly(IDLE_SETTLED_MS);
        double panelIdle = rssMiB(panel);
        int panelThreads = panel.threads();
        panel.close();

        progress("memory: the same agent with the JVM's defaults (baseline)");
        AgentProcess plain = env.launchAgent(env.launch.withJvmOpts("").withCds(false)
                .withMallocArenaMax(Integer.toString(8 * Runtime.getRuntime().availableProcessors())),
                env.newAgentId("memjvm"));
        env.awaitHeartbeat(plain, java.time.Duration.ofSeconds(120));
        Footprint defaults = footprint(plain);
        plain.close();

        report.add(new Figure("4", String.format(java.util.Locale.ROOT, "RSS idle (settled: %d s after the first"
                + " heartbeat)", IDLE_SETTLED_MS / 1000), "MiB", List.of(tuned.idle()), "JVM defaults",
                List.of(defaults.idle()), Kind.ABSOLUTE, 80));
        report.add(new Figure("4", String.format(java.util.Locale.ROOT, "RSS %d s after the first heartbeat (start-up's"
                + " native memory not yet trimmed)", settleMs / 1000), "MiB", List.of(tuned.early()), "JVM defaults",
                List.of(defaults.early()), Kind.NONE, 0));
        report.add(new Figure("4", "RSS with 20 sessions", "MiB", List.of(tuned.twenty()), "JVM defaults",
                List.of(defaults.twenty()), Kind.ABSOLUTE, 100));
        report.add(new Figure("4", String.format(java.util.Locale.ROOT,
                "RSS growth after %d start/stop cycles (%.1f → %.1f MiB)", cycles, before, after), "%",
                List.of(growth), "", List.of(), Kind.ABSOLUTE, 5));
        // the first quarter holds the warm-up (the JIT compiles the start/stop path); a leak keeps growing after it
        double lateGrowth = (quarters.get(3) - quarters.get(0)) / quarters.get(0) * 100;
        report.add(new Figure("4", String.format(java.util.Locale.ROOT, "RSS growth over the last three quarters of"
                + " the cycles, after the JIT's warm-up (%.1f → %.1f MiB, read at once)", quarters.get(0),
                quarters.get(3)), "%", List.of(lateGrowth), "", List.of(), Kind.NONE, 0));

        List<String> ladderRows = List.of();
        if (!env.quick) {
            progress("memory: flag ladder");
            ladderRows = ladder();
        }

        report.line("### Memory (point 4)");
        report.line("");
        report.line("RSS = `VmRSS` of the agent's JVM (`/proc/<pid>/status`), read %d s after the first heartbeat and"
                + " %d s after each later phase (%s of the launcher's native heap trim: the steady state) and, in"
                + " brackets, %d s after it (start-up's or the sessions' native memory not yet given back); sessions are"
                + " `%s` started through the simulator.", IDLE_SETTLED_MS / 1000, settledMs / 1000,
                env.quick ? "at least one period" : "two periods", settleMs / 1000,
                env.workload.image());
        report.line("");
        report.line("| agent | idle (MiB) | 20 sessions (MiB) | threads idle / 20 sessions |");
        report.line("|---|---:|---:|---:|");
        report.line("| launcher defaults (`bin/docker-agent`, with CDS archive when present) | %.1f (%.1f) | %.1f (%.1f)"
                + " | %d / %d |", tuned.idle(), tuned.early(), tuned.twenty(), tuned.twentyEarly(), tuned.threadsIdle(),
                tuned.threadsTwenty());
        report.line("| the same with its status panel on (`--status-port 0`; elsewhere `off`, the default is 5001) | %.1f"
                + " | – | %d / – |", panelIdle, panelThreads);
        report.line("| JVM defaults (no flags, no archive, glibc's arena default) | %.1f (%.1f) | %.1f (%.1f) | %d / %d |",
                defaults.idle(), defaults.early(), defaults.twenty(), defaults.twentyEarly(), defaults.threadsIdle(),
                defaults.threadsTwenty());
        report.line("");
        report.line("%d start/stop cycles (4 in flight) took %.0f s: RSS %.1f → %.1f MiB (%+.1f %%), peak %.1f MiB;"
                + " live heap after the cycles (after `GC.run`) %.1f MiB. RSS after each quarter of the cycles"
                + " (read at once): %s MiB.", cycles, cyclesSeconds, before, after,
                growth, peak, live.usedKiB() / 1024.0, quarters.stream()
                        .map(q -> String.format(java.util.Locale.ROOT, "%.1f", q)).collect(Collectors.joining(", ")));
        report.line("Where it went (settled readings before and after the cycles, no collection first): the JIT's code"
                + " cache in use %.1f → %.1f MiB (%+.1f MiB: methods of the start/stop path compiled as they turn"
                + " hot), the committed heap %.1f → %.1f MiB (%+.1f MiB).", codeBefore / 1024.0, codeAfter / 1024.0,
                (codeAfter - codeBefore) / 1024.0, heapBefore.committedKiB() / 1024.0,
                heapAfter.committedKiB() / 1024.0, (heapAfter.committedKiB() - heapBefore.committedKiB()) / 1024.0);
        report.line("Virtual threads (not a flag: each command, the engine's event stream and each open VNC tunnel"
                + " (two threads) run on them): the agent held up to %d virtual threads while it started 20 sessions"
                + " at once (sampled with `jcmd Thread.dump_to_file -format=json` as fast as it runs) and %d with the"
                + " 20 running, beside %d platform threads. A parked thread, %d frames deep, costs %.0f KiB of RSS as a platform thread and"
                + " %.1f KiB as a virtual one (%d of each, the same launcher and flags: `ThreadCost`, median of %d"
                + " runs): as platform threads, that burst's would hold about %.1f MiB more, and every 100 commands or"
                + " tunnels in flight about %.1f MiB.", threadUse.peakWhileStarting(), threadUse.running(),
                threadUse.platformRunning(), ThreadCost.DEPTH, costs.platformKiB(), costs.virtualKiB(),
                ThreadCosts.THREADS, ThreadCosts.RUNS,
                threadUse.peakWhileStarting() * (costs.platformKiB() - costs.virtualKiB()) / 1024,
                100 * (costs.platformKiB() - costs.virtualKiB()) / 1024);
        report.line("");
        report.line("What each setting buys (each row adds one setting to the row above; idle RSS (settled, as above) and"
                + " launch → first heartbeat of a fresh agent, one sample each, CDS archive off except in the last row):");
        report.line("");
        if (ladderRows.isEmpty()) {
            report.line("(the ladder runs in full mode only)");
        } else {
            report.line("| flags | idle RSS (MiB) | start-up (ms) | platform threads |");
            report.line("|---|---:|---:|---:|");
            ladderRows.forEach(report::line);
        }
        report.line("");
    }

    private Footprint footprint(AgentProcess agent) throws Exception {
        sleepQuietly(settleMs);
        double early = rssMiB(agent);
        sleepQuietly(IDLE_SETTLED_MS - settleMs);
        double idle = rssMiB(agent);
        int threadsIdle = agent.threads();
        List<String> sessions = env.agentStartAll(agent, 20);
        sleepQuietly(settleMs);
        double twentyEarly = rssMiB(agent);
        sleepQuietly(settledMs - settleMs);
        double twenty = rssMiB(agent);
        int threadsTwenty = agent.threads();
        env.agentStopAll(agent, sessions);
        return new Footprint(early, idle, twentyEarly, twenty, threadsIdle, threadsTwenty);
    }

    /** The agent's virtual threads: the most seen while 20 sessions start at once, then with them running. */
    record ThreadUse(int peakWhileStarting, int running, int platformRunning) {}

    private ThreadUse threadUse(AgentProcess agent, Path jcmd) throws Exception {
        AtomicInteger peak = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread sampler = Thread.ofPlatform().daemon().name("virtual-thread-sampler").start(() -> {
            while (sampling.get()) {
                try {
                    peak.accumulateAndGet(agent.virtualThreads(jcmd, env.out), Math::max);
                } catch (Exception e) {
                    failed.set(e);
                    return;
                }
            }
        });
        List<String> sessions;
        try {
            sessions = env.agentStartAll(agent, 20);
        } finally {
            sampling.set(false);
            sampler.join();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        sleepQuietly(settleMs);
        ThreadUse use = new ThreadUse(peak.get(), agent.virtualThreads(jcmd, env.out), agent.threads());
        env.agentStopAll(agent, sessions);
        return use;
    }

    /** RSS of one parked thread of each kind, KiB (medians of {@link #RUNS} runs of {@link ThreadCost}). */
    record ThreadCosts(double platformKiB, double virtualKiB) {
        static final int THREADS = 200;
        static final int RUNS = 3;
    }

    private ThreadCosts threadCosts() throws Exception {
        Path jar = env.mainJar(ThreadCost.class);
        List<Double> platform = new ArrayList<>();
        List<Double> virtual = new ArrayList<>();
        for (int i = 0; i < ThreadCosts.RUNS; i++) {
            platform.add(threadCostKiB(jar, "platform"));
            virtual.add(threadCostKiB(jar, "virtual"));
        }
        return new ThreadCosts(Stats.of(platform).median(), Stats.of(virtual).median());
    }

    private double threadCostKiB(Path jar, String kind) throws Exception {
        Process p = env.launch.withJar(jar).command(List.of(kind, Integer.toString(ThreadCosts.THREADS)))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("ThreadCost " + kind + " failed: " + out);
        }
        String prefix = "thread-cost " + kind + " " + ThreadCosts.THREADS + " ";
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(prefix.length()).strip()) / ThreadCosts.THREADS)
                .orElseThrow(() -> new IllegalStateException("ThreadCost " + kind + " printed no result: " + out));
    }

    private void runCycles(AgentProcess agent, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger left = new AtomicInteger(n);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                workers.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        env.agentStop(agent, env.agentStart(agent));
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private List<String> ladder() throws Exception {
        String glibcDefault = Integer.toString(8 * Runtime.getRuntime().availableProcessors());
        List<Object[]> steps = new ArrayList<>();
        StringBuilder flags = new StringBuilder();
        for (String[] step : LADDER) {
            flags.append(' ').append(step[1]);
            steps.add(new Object[] {step[0] + (step[1].isEmpty() ? "" : " (`" + step[1] + "`)"),
                    env.launch.withJvmOpts(flags.toString().strip()).withCds(false).withMallocArenaMax(glibcDefault)});
        }
        steps.add(new Object[] {"+ `MALLOC_ARENA_MAX=2` (glibc: " + glibcDefault + ")",
                env.launch.withJvmOpts(flags.toString().strip()).withCds(false)});
        if (Runtime.version().feature() >= 22) { // the launcher adds it on Java >= 22 only (a product flag there)
            flags.append(' ').append(TRIM_NATIVE_HEAP);
            steps.add(new Object[] {"+ native heap trimmed every 5 s (`" + TRIM_NATIVE_HEAP + "`, Java ≥ 22)",
                    env.launch.withJvmOpts(flags.toString().strip()).withCds(false)});
        }
        steps.add(new Object[] {"+ class-data archive = the launcher's defaults", env.launch});
        List<String> rows = new ArrayList<>();
        for (Object[] step : steps) {
            java.time.Instant launched = java.time.Instant.now();
            AgentProcess agent = env.launchAgent((AgentProcess.Launch) step[1], env.newAgentId("ladder"));
            java.time.Instant hb = env.awaitHeartbeat(agent, java.time.Duration.ofSeconds(120));
            sleepQuietly(IDLE_SETTLED_MS);
            rows.add(String.format(java.util.Locale.ROOT, "| %s | %.1f | %d | %d |", step[0], rssMiB(agent),
                    java.time.Duration.between(launched, hb).toMillis(), agent.threads()));
            agent.close();
        }
        return rows;
    }
}
