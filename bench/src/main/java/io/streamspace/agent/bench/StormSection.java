package io.streamspace.agent.bench;

import static io.streamspace.agent.bench.BenchEnv.ms;
import static io.streamspace.agent.bench.BenchEnv.progress;

import io.streamspace.agent.bench.Report.Figure;
import io.streamspace.agent.bench.Report.Kind;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Points 2 and 3: a storm of session starts through the agent against the same containers created and started
 * directly with docker-java at the same concurrency, single-start overhead, and the acknowledgement latency
 * during the storm against a plain WebSocket echo's round trip measured at the same time.
 */
final class StormSection {

    private final BenchEnv env;
    private final Report report;
    private final int storm;
    private final int reps;
    private final int singles;
    private final int parallel;

    StormSection(BenchEnv env, Report report) {
        this.env = env;
        this.report = report;
        this.storm = env.quick ? 20 : 50; // quick mode's storms are smaller, to finish in under 5 minutes
        this.reps = env.quick ? 1 : 5;
        this.singles = env.quick ? 3 : 20;
        this.parallel = 4; // the agent's default --max-parallel-starts
    }

    void run() throws Exception {
        progress("storm: launching the agent");
        AgentProcess agent = env.startAgent("storm");
        try (EchoServer echo = new EchoServer();
             EchoServer.Sampler sampler = new EchoServer.Sampler(echo.uri(), sampleMessage())) {
            int warmUp = env.quick ? 1 : 3;
            progress("storm: warm-up, %d start+stop pair(s) per side", warmUp);
            for (int i = 0; i < warmUp; i++) {
                env.agentStop(agent, env.agentStart(agent));
                env.raw.stop(env.raw.start(env.nextSessionId(), env.workload));
            }

            progress("storm: %d single starts per side, interleaved", singles);
            List<Double> agentSingle = new ArrayList<>();
            List<Double> rawSingle = new ArrayList<>();
            for (int i = 0; i < singles; i++) {
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == (i % 2 == 0)) {
                        long t = System.nanoTime();
                        String s = env.agentStart(agent);
                        agentSingle.add(ms(System.nanoTime() - t));
                        env.agentStop(agent, s);
                    } else {
                        long t = System.nanoTime();
                        String id = env.raw.start(env.nextSessionId(), env.workload);
                        rawSingle.add(ms(System.nanoTime() - t));
                        env.raw.stop(id);
                    }
                }
            }

            List<Double> agentWalls = new ArrayList<>();
            List<Double> rawWalls = new ArrayList<>();
            List<Double> agentPerStart = new ArrayList<>();
            List<Double> rawPerStart = new ArrayList<>();
            List<Double> ackP99 = new ArrayList<>();
            List<Double> echoP99 = new ArrayList<>();
            List<Double> acks = new ArrayList<>();
            List<Double> echoes = new ArrayList<>();
            List<Double> rawStormEchoes = new ArrayList<>();
            List<Double> sendSpreads = new ArrayList<>();
            List<Double> ackSpreads = new ArrayList<>();
            List<Double> ackLags = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == (r % 2 == 0)) {
                        sampler.start(2);
                        AgentStorm a = agentStorm(agent);
                        List<Double> echoSamples = sampler.stop();
                        agentWalls.add(a.wallMs);
                        agentPerStart.addAll(a.perStartMs);
                        acks.addAll(a.ackMs);
                        sendSpreads.add(a.sendSpreadMs);
                        ackSpreads.add(a.ackSpreadMs);
                        ackLags.add(a.ackSpreadMs - a.sendSpreadMs);
                        echoes.addAll(echoSamples);
                        ackP99.add(Stats.of(a.ackMs).p99());
                        echoP99.add(Stats.of(echoSamples).p99());
                        progress("storm %d agent: %.0f ms; ack p99 %.1f ms, echo p99 %.1f ms (%d echoes)", r + 1,
                                a.wallMs, Stats.of(a.ackMs).p99(), Stats.of(echoSamples).p99(), echoSamples.size());
                    } else {
                        // The echo sampler costs CPU (a round trip every 2 ms); it runs during the raw storms too,
                        // so both sides carry the same load and only the agent differs.
                        sampler.start(2);
                        double[] wall = new double[1];
                        rawPerStart.addAll(rawStorm(wall));
                        List<Double> echoSamples = sampler.stop();
                        rawWalls.add(wall[0]);
                        rawStormEchoes.addAll(echoSamples);
                        progress("storm %d raw: %.0f ms; echo p99 %.1f ms (%d echoes)", r + 1, wall[0],
                                Stats.of(echoSamples).p99(), echoSamples.size());
                    }
                }
            }

            report.add(new Figure("2", "storm of " + storm + " starts, wall time", "ms", agentWalls,
                    "raw docker-java, " + parallel + " at once", rawWalls, Kind.RATIO, 1.10));
            report.add(new Figure("2", "single start, median (send → running → complete)", "ms",
                    agentSingle, "raw docker-java", rawSingle, Kind.DIFFERENCE, 30));
            Stats ap = Stats.of(agentPerStart);
            Stats rp = Stats.of(rawPerStart);
            report.add(new Figure("2", "storm per-start latency p50 (from the storm's start)", "ms",
                    List.of(ap.median()), "raw", List.of(rp.median()), Kind.NONE, 0));
            report.add(new Figure("2", "storm per-start latency p99 (from the storm's start)", "ms",
                    List.of(ap.p99()), "raw", List.of(rp.p99()), Kind.NONE, 0));
            report.add(new Figure("3", "ack latency p99 during the storm (per storm)", "ms", ackP99,
                    "WebSocket echo round trip p99", echoP99, Kind.RATIO, 3.0));

            report.line("### Start storm and acknowledgement latency (points 2, 3)");
            report.line("");
            report.line("Agent `%s` launched by `bin/docker-agent` (default flags, `--max-parallel-starts %d`);"
                    + " raw side: the same %d containers (image, limits, labels, volume, port) created and started"
                    + " with docker-java by %d threads. %d storms per side, the side going first alternating.",
                    agent.agentId, parallel, storm, parallel, reps);
            report.line("");
            report.line("| | agent | raw |");
            report.line("|---|---:|---:|");
            report.line("| storm wall per repetition (ms) | %s | %s |", Report.join(agentWalls), Report.join(rawWalls));
            report.line("| per-start p50 / p90 / p99 / max (ms, %d starts) | %s / %s / %s / %s | %s / %s / %s / %s |",
                    ap.n(), Report.num(ap.median()), Report.num(ap.p90()), Report.num(ap.p99()), Report.num(ap.max()),
                    Report.num(rp.median()), Report.num(rp.p90()), Report.num(rp.p99()), Report.num(rp.max()));
            Stats as = Stats.of(agentSingle);
            Stats rs = Stats.of(rawSingle);
            report.line("| single start p10 / median / p90 (ms, %d each, interleaved) | %s / %s / %s | %s / %s / %s |",
                    as.n(), Report.num(as.p10()), Report.num(as.median()), Report.num(as.p90()),
                    Report.num(rs.p10()), Report.num(rs.median()), Report.num(rs.p90()));
            Stats ack = Stats.of(acks);
            Stats ech = Stats.of(echoes);
            report.line("");
            report.line("Acknowledgement: from the simulator sending `command` to it receiving the `ack` (%d commands,"
                    + " pooled): p50 %s, p90 %s, p99 %s, max %s ms. Echo (a command-sized text message, Jetty server"
                    + " and JDK client on loopback, one in flight, sampled every 2 ms during the same storms, %d round"
                    + " trips): p50 %s, p90 %s, p99 %s, max %s ms.", ack.n(), Report.num(ack.median()),
                    Report.num(ack.p90()), Report.num(ack.p99()), Report.num(ack.max()), ech.n(),
                    Report.num(ech.median()), Report.num(ech.p90()), Report.num(ech.p99()), Report.num(ech.max()));
            Stats rawEch = Stats.of(rawStormEchoes);
            report.line("The same sampler runs during the raw storms, so that both sides carry its load (%d round"
                    + " trips: p50 %s, p99 %s ms; not part of the baseline above).", rawEch.n(),
                    Report.num(rawEch.median()), Report.num(rawEch.p99()));
            // Whether acks wait on the agent's throughput for a burst rather than on a round trip: the simulator
            // sends a storm's commands back to back, so the last ack's delay over the last send is the queue.
            report.line("Burst: the simulator sends a storm's %d commands back to back over %s ms (median per storm;"
                    + " per storm: %s); the last `ack` arrives %s ms after the first command was sent (per storm:"
                    + " %s), %s ms after the last.", storm, Report.num(Stats.of(sendSpreads).median()),
                    Report.join(sendSpreads), Report.num(Stats.of(ackSpreads).median()), Report.join(ackSpreads),
                    Report.num(Stats.of(ackLags).median()));
            report.line("");
        } finally {
            agent.close();
        }
    }

    /**
     * @param sendSpreadMs from the first command sent to the last
     * @param ackSpreadMs  from the first command sent to the last {@code ack} received
     */
    private record AgentStorm(double wallMs, List<Double> perStartMs, List<Double> ackMs, double sendSpreadMs,
                              double ackSpreadMs) {}

    private AgentStorm agentStorm(AgentProcess agent) {
        List<String> sessions = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        Map<String, Instant> sentAt = new HashMap<>();
        long t0 = System.nanoTime();
        Instant start = Instant.now();
        for (int i = 0; i < storm; i++) {
            String s = env.nextSessionId();
            sessions.add(s);
            Instant sent = Instant.now();
            String command = env.sendStart(agent.agentId, s);
            commands.add(command);
            sentAt.put(command, sent);
        }
        List<Double> perStart = new ArrayList<>();
        for (String c : commands) {
            CommandState done = env.complete(c);
            perStart.add(Duration.between(start, done.updatedAt()).toNanos() / 1e6);
        }
        double wall = ms(System.nanoTime() - t0);
        List<Double> ack = new ArrayList<>();
        Instant firstSent = sentAt.get(commands.get(0));
        Instant lastSent = sentAt.get(commands.get(commands.size() - 1));
        Instant lastAck = firstSent;
        for (ReceivedMessage m : env.controlPlane.received(agent.agentId)) {
            Instant sent = m.isAccepted("ack") ? sentAt.get(m.payloadText("commandId")) : null;
            if (sent != null) {
                ack.add(Duration.between(sent, m.receivedAt()).toNanos() / 1e6);
                lastAck = m.receivedAt().isAfter(lastAck) ? m.receivedAt() : lastAck;
            }
        }
        if (ack.size() != storm) {
            throw new IllegalStateException("expected " + storm + " acks, got " + ack.size());
        }
        env.agentStopAll(agent, sessions);
        return new AgentStorm(wall, perStart, ack, Duration.between(firstSent, lastSent).toNanos() / 1e6,
                Duration.between(firstSent, lastAck).toNanos() / 1e6);
    }

    private List<Double> rawStorm(double[] wall) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<String>> started = new ArrayList<>();
            List<Double> perStart = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < storm; i++) {
                String sessionId = env.nextSessionId();
                started.add(pool.submit(() -> {
                    String id = env.raw.start(sessionId, env.workload);
                    synchronized (perStart) {
                        perStart.add(ms(System.nanoTime() - t0));
                    }
                    return id;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : started) {
                ids.add(f.get());
            }
            wall[0] = ms(System.nanoTime() - t0);
            List<Future<?>> stops = new ArrayList<>();
            for (String id : ids) {
                stops.add(pool.submit(() -> env.raw.stop(id)));
            }
            for (Future<?> f : stops) {
                f.get();
            }
            return perStart;
        } finally {
            pool.shutdownNow();
        }
    }

    /** An echo message the size of a start_session command envelope. */
    private String sampleMessage() throws Exception {
        return env.controlPlane.envelope("command", ControlPlaneJson.tree(Map.of("commandId", "cmd-00000000",
                "action", "start_session", "payload", env.startPayload("bench-vnc-00000000"))));
    }
}
