package io.streamspace.agent.bench;

import static io.streamspace.agent.bench.BenchEnv.progress;
import static io.streamspace.agent.bench.BenchEnv.sleepQuietly;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.bench.Report.Figure;
import io.streamspace.agent.bench.Report.Kind;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import io.streamspace.agent.testkit.redis.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Point 8: fault drills, each repeated, each repetition ending with an audit: every command the agent acknowledged
 * has exactly one terminal answer ({@code complete} or {@code failed}), and the session containers on the engine
 * are exactly the sessions whose start completed (none orphaned, duplicated or missing). Commands that never
 * reached a live agent (the socket was gone when the control plane wrote them) are counted separately: the
 * control plane marks them failed itself or, when the bytes died with the socket, its command timeout owns them.
 */
final class DrillSection {

    private static final int BATCH = 6;
    private static final Duration SETTLE = Duration.ofMinutes(3);

    private final BenchEnv env;
    private final Report report;
    private final int reps;
    private final List<String> rows = new ArrayList<>();

    private final List<String> drills;

    DrillSection(BenchEnv env, Report report, int reps, List<String> drills) {
        this.env = env;
        this.report = report;
        this.reps = reps;
        this.drills = List.copyOf(drills);
    }

    /** Every drill, in the order they run. */
    static final List<String> ALL = List.of("kill", "link", "redis", "dockerd");

    /** What one repetition's audit found. */
    record Audit(int commands, int acked, int answeredOnce, int answeredTwiceOrMore, int ackedNeverAnswered,
                 int notDelivered, int expectedContainers, int orphaned, int duplicated, int missing) {

        int lost() {
            return answeredTwiceOrMore + ackedNeverAnswered + orphaned + duplicated + missing;
        }
    }

    void run() throws Exception {
        List<Exception> failures = new ArrayList<>();
        for (String drill : drills) {
            try {
                List<Audit> audits = switch (drill) {
                    case "kill" -> killDrill();
                    case "link" -> linkDrill();
                    case "redis" -> redisDrill();
                    case "dockerd" -> dockerdDrill();
                    default -> throw new IllegalStateException(drill);
                };
                record(drill, audits);
            } catch (Exception e) {
                progress("drill %s failed: %s", drill, e);
                failures.add(e);
                rows.add("| " + title(drill) + " | FAILED: `" + String.valueOf(e).replace('`', '\'') + "` | | | | | | |");
            }
        }
        report.line("### Fault drills (point 8)");
        report.line("");
        report.line("Each repetition sends a batch of %d `start_session` commands (fresh session ids), injects the"
                + " fault while they run, waits until every command is terminal in the simulator (at most %d min),"
                + " then audits: the agent's `complete`/`failed` messages per command, and the containers labelled"
                + " with the agent id on the engine against the sessions whose start completed. The sessions are then"
                + " stopped through the agent (and anything left over removed) before the next repetition.",
                BATCH, SETTLE.toMinutes());
        report.line("");
        report.line("| drill | repetitions | commands (acknowledged) | exactly one answer | answered twice | acknowledged,"
                + " never answered | not delivered (socket gone) | containers expected / orphaned / duplicated /"
                + " missing |");
        report.line("|---|---:|---:|---:|---:|---:|---:|---|");
        rows.forEach(report::line);
        report.line("");
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
    }

    private static String title(String drill) {
        return switch (drill) {
            case "kill" -> "`kill -9` of the agent during a start storm, then restart";
            case "link" -> "control-plane link cut in the middle of commands";
            case "redis" -> "Redis paused (SIGSTOP, 4 s > lease) under HA, 2 replicas";
            case "dockerd" -> "`dockerd` restarted with 3 sessions running and 3 starting (a private engine)";
            default -> drill;
        };
    }

    private void record(String drill, List<Audit> audits) {
        int commands = 0;
        int acked = 0;
        int once = 0;
        int twice = 0;
        int never = 0;
        int notDelivered = 0;
        int expected = 0;
        int orphaned = 0;
        int duplicated = 0;
        int missing = 0;
        List<Double> lostPerRep = new ArrayList<>();
        for (Audit a : audits) {
            commands += a.commands();
            acked += a.acked();
            once += a.answeredOnce();
            twice += a.answeredTwiceOrMore();
            never += a.ackedNeverAnswered();
            notDelivered += a.notDelivered();
            expected += a.expectedContainers();
            orphaned += a.orphaned();
            duplicated += a.duplicated();
            missing += a.missing();
            lostPerRep.add((double) a.lost());
        }
        rows.add(String.format(java.util.Locale.ROOT, "| %s | %d | %d (%d) | %d | %d | %d | %d | %d / %d / %d / %d |",
                title(drill), audits.size(), commands, acked, once, twice, never, notDelivered, expected, orphaned,
                duplicated, missing));
        report.add(new Figure("8", "drill: " + title(drill) + " — answers twice or never, containers orphaned,"
                + " duplicated or missing (per repetition)", "", lostPerRep, "", List.of(), Kind.ZERO, 0));
    }

    // ------------------------------------------------------------------------------------------------- drills

    /** kill -9 once every command of the batch is acknowledged (journaled), at a random point of the work. */
    private List<Audit> killDrill() throws Exception {
        String agentId = env.newAgentId("kill");
        Path outbox = Files.createDirectories(env.out.resolve("outbox-" + agentId));
        AgentProcess[] agent = {launch(agentId, outbox, env.launch, List.of())};
        try {
            return repeat("kill", agentId, env.docker, () -> {
                List<String[]> batch = sendStarts(agentId, BATCH, i -> { });
                for (String[] c : batch) {
                    awaitStatus(c[0], CommandState.Status.ACKED, Duration.ofMinutes(1));
                }
                sleepQuietly(ThreadLocalRandom.current().nextInt(4000)); // before, during or after the creates
                agent[0].kill();
                agent[0] = launch(agentId, outbox, env.launch, List.of());
                env.controlPlane.awaitConnected(agentId, Duration.ofMinutes(2));
                return batch;
            });
        } finally {
            agent[0].close();
        }
    }

    /** The simulator drops the socket (no close handshake) while the batch is being sent and worked on. */
    private List<Audit> linkDrill() throws Exception {
        String agentId = env.newAgentId("link");
        try (AgentProcess agent = launch(agentId, Files.createDirectories(env.out.resolve("outbox-" + agentId)),
                env.launch, List.of())) {
            return repeat("link", agentId, env.docker, () -> {
                int cutAfter = ThreadLocalRandom.current().nextInt(1, BATCH);
                List<String[]> batch = sendStarts(agentId, BATCH, i -> {
                    if (i == cutAfter) {
                        env.controlPlane.dropConnection(agentId);
                    }
                });
                env.controlPlane.awaitConnected(agentId, Duration.ofMinutes(2));
                return batch;
            });
        }
    }

    /** Two replicas elect a leader in Redis; Redis is frozen longer than the lease while commands arrive. */
    private List<Audit> redisDrill() throws Exception {
        String agentId = env.newAgentId("ha");
        List<AgentProcess> replicas = new ArrayList<>();
        try (RedisServerProcess redis = RedisServerProcess.start(Files.createDirectories(env.out.resolve("redis")))) {
            List<String> ha = List.of("--enable-ha", "--leader-election-backend", "redis", "--redis-url", redis.url(),
                    "--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period", "500ms");
            for (int i = 0; i < 2; i++) {
                List<String> args = new ArrayList<>(ha);
                args.addAll(List.of("--instance-id", agentId + "-r" + i));
                replicas.add(launch(agentId + "", Files.createDirectories(env.out.resolve("outbox-" + agentId + "-r"
                        + i)), env.launch, args, "-r" + i));
            }
            return repeat("redis", agentId, env.docker, () -> {
                int pauseAt = ThreadLocalRandom.current().nextInt(1, BATCH);
                // 200 ms between the sends, the pause before one of them
                List<String[]> batch = sendStarts(agentId, BATCH, i -> {
                    if (i > 0) {
                        sleepQuietly(200);
                    }
                    if (i == pauseAt) {
                        redis.pause();
                        sleepQuietly(4000);
                        redis.resume();
                    }
                });
                sleepQuietly(200);
                env.controlPlane.awaitConnected(agentId, Duration.ofMinutes(2));
                return batch;
            });
        } finally {
            for (AgentProcess p : replicas) {
                p.close();
            }
        }
    }

    /** The agent runs on a private engine, which is restarted (SIGTERM, start) while the batch is worked on. */
    private List<Audit> dockerdDrill() throws Exception {
        try (PrivateDockerd engine = new PrivateDockerd(Path.of("/tmp", "ssbench-dockerd-" + env.runId),
                "ssb" + env.runId)) {
            engine.start();
            engine.load(env.workload.image());
            try (DockerClients privateClients = DockerClients.create(engine.host())) {
                String agentId = env.newAgentId("dockerd");
                try (AgentProcess agent = launch(agentId, Files.createDirectories(env.out.resolve("outbox-"
                        + agentId)), env.launch, List.of("--docker-host", engine.host()))) {
                    return repeat("dockerd", agentId, privateClients.requests(), () -> {
                        // half the batch running before the restart (they must come back: unless-stopped), half
                        // being started while the engine goes away
                        List<String[]> batch = sendStarts(agentId, BATCH / 2, i -> { });
                        for (String[] c : batch) {
                            awaitStatus(c[0], CommandState.Status.COMPLETED, Duration.ofMinutes(2));
                        }
                        batch.addAll(sendStarts(agentId, BATCH - BATCH / 2, i -> { }));
                        sleepQuietly(ThreadLocalRandom.current().nextInt(200, 1500));
                        engine.restart();
                        return batch;
                    });
                }
            }
        }
    }

    /** One repetition of a drill: sends its batch with the fault injected; returns {commandId, sessionId} each. */
    @FunctionalInterface
    private interface Repetition {
        List<String[]> sendWithFault() throws Exception;
    }

    /** What a drill does before the {@code i}-th start of a batch is sent. */
    @FunctionalInterface
    private interface BeforeSend {
        void run(int i) throws Exception;
    }

    /** Runs {@code reps} repetitions on a connected agent, each audited, then cleaned up. */
    private List<Audit> repeat(String drill, String agentId, DockerClient docker, Repetition repetition)
            throws Exception {
        List<Audit> audits = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            env.controlPlane.awaitConnected(agentId, Duration.ofMinutes(2));
            List<String[]> batch = repetition.sendWithFault();
            Audit audit = settleAndAudit(agentId, batch, docker);
            audits.add(audit);
            progress("drill %s %d/%d: %s", drill, r + 1, reps, audit);
            cleanUp(agentId, batch, docker);
        }
        return audits;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private AgentProcess launch(String agentId, Path outbox, AgentProcess.Launch how, List<String> extra,
                                String... logSuffix) throws Exception {
        AgentProcess agent = AgentProcess.launch(how, agentId, BenchEnv.KEY, env.controlPlane.webSocketBaseUrl()
                        .toString(), "ssnet-" + agentId, outbox,
                env.out.resolve(logSuffix.length == 0 ? "." : "replica" + logSuffix[0]).normalize(), extra);
        env.track(agent);
        return agent;
    }

    /**
     * {@code count} start commands sent at once, {@code before} run ahead of each with its index (a fault, a pause);
     * each entry is {commandId, sessionId}.
     */
    private List<String[]> sendStarts(String agentId, int count, BeforeSend before) throws Exception {
        List<String[]> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            before.run(i);
            String session = env.nextSessionId();
            batch.add(new String[] {env.sendStart(agentId, session), session});
        }
        return batch;
    }

    private void awaitStatus(String commandId, CommandState.Status status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            CommandState s = env.controlPlane.commandState(commandId);
            if (s != null && (s.history().contains(status) || s.status() == CommandState.Status.FAILED)) {
                return;
            }
            sleepQuietly(20);
        }
        throw new IllegalStateException("command " + commandId + " never reached " + status);
    }

    /** Waits until every command is terminal (or SETTLE passes), lets late duplicates arrive, then audits. */
    private Audit settleAndAudit(String agentId, List<String[]> batch, DockerClient docker) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        // A command still PENDING (never acknowledged) this long after the fault was lost with the socket before
        // the agent read it: no agent can answer it, so waiting the full SETTLE for it would only slow the drill.
        long pendingGrace = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            boolean settled = true;
            for (String[] c : batch) {
                CommandState s = env.controlPlane.commandState(c[0]);
                boolean terminal = s.status() == CommandState.Status.COMPLETED
                        || s.status() == CommandState.Status.FAILED;
                boolean lostInTransit = s.status() == CommandState.Status.PENDING && System.nanoTime() > pendingGrace;
                if (!terminal && !lostInTransit) {
                    settled = false;
                    break;
                }
            }
            if (settled) {
                break;
            }
            sleepQuietly(50);
        }
        sleepQuietly(2000); // a duplicate answer (an outbox replayed after a restart) would arrive by now
        Map<String, Integer> answers = new HashMap<>();
        Map<String, List<String>> answerTrail = new HashMap<>(); // "complete on socket 3", for a double answer's log
        Map<String, Boolean> acks = new HashMap<>();
        for (ReceivedMessage m : env.controlPlane.received(agentId)) {
            String id = m.payloadText("commandId");
            if (id == null || !m.accepted()) {
                continue;
            }
            if ("complete".equals(m.type()) || "failed".equals(m.type())) {
                answers.merge(id, 1, Integer::sum);
                answerTrail.computeIfAbsent(id, k -> new ArrayList<>())
                        .add(m.type() + " on socket " + m.connectionNumber());
            } else if ("ack".equals(m.type())) {
                acks.put(id, true);
            }
        }
        int acked = 0;
        int once = 0;
        int twice = 0;
        int never = 0;
        int notDelivered = 0;
        List<String> expected = new ArrayList<>();
        for (String[] c : batch) {
            int n = answers.getOrDefault(c[0], 0);
            boolean ack = acks.containsKey(c[0]);
            if (ack) {
                acked++;
            }
            if (n == 1) {
                once++;
            } else if (n > 1) {
                twice++;
                // which socket each answer came on tells an outbox replay (a later socket) from a second answer
                progress("drill: command %s (session %s) answered %d times: %s", c[0], c[1], n,
                        String.join(", ", answerTrail.get(c[0])));
            } else if (ack) {
                never++;
            } else {
                notDelivered++; // failed by the control plane itself, or lost with the socket before the agent read it
            }
            CommandState s = env.controlPlane.commandState(c[0]);
            if (s.status() == CommandState.Status.COMPLETED) {
                expected.add(c[1]);
            }
        }
        Map<String, Integer> containers = new LinkedHashMap<>();
        for (Container c : docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("streamspace.agent.id", agentId)).exec()) {
            String session = c.getLabels() == null ? null : c.getLabels().get("streamspace.session.id");
            containers.merge(String.valueOf(session), 1, Integer::sum);
        }
        int orphaned = 0;
        int duplicated = 0;
        int missing = 0;
        for (var e : containers.entrySet()) {
            if (!expected.contains(e.getKey())) {
                orphaned += e.getValue();
            } else if (e.getValue() > 1) {
                duplicated += e.getValue() - 1;
            }
        }
        for (String s : expected) {
            if (!containers.containsKey(s)) {
                missing++;
            }
        }
        return new Audit(batch.size(), acked, once, twice, never, notDelivered, expected.size(), orphaned,
                duplicated, missing);
    }

    /** Stops the batch's sessions through the agent, then removes whatever is left of this agent's containers. */
    private void cleanUp(String agentId, List<String[]> batch, DockerClient docker) {
        try {
            env.controlPlane.awaitConnected(agentId, Duration.ofMinutes(2));
            List<String> stops = new ArrayList<>();
            for (String[] c : batch) {
                stops.add(env.sendStop(agentId, c[1]));
            }
            for (String stop : stops) {
                awaitStatus(stop, CommandState.Status.COMPLETED, Duration.ofMinutes(2));
            }
        } catch (RuntimeException e) {
            progress("drill cleanup through the agent failed (%s); removing directly", e.getMessage());
        }
        RawEngine.removeLabelled(docker, "streamspace.agent.id", agentId);
    }
}
