package io.streamspace.agent.bootstrap.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.DockerSocketProxy;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import io.streamspace.agent.testkit.files.TempFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A fault drill: the control-plane simulator, several replicas of one agent id (same network and lock, each with its
 * own instance id, outbox and Docker socket proxy), a stream of cheap commands, and the audits that prove "one
 * leader at a time" from the replicas' logs, their Docker sockets and the simulator's recording.
 */
final class HaDrill implements AutoCloseable {

    static final String KEY = "a".repeat(32) + "b".repeat(32);
    static final Path JAR = Path.of(System.getProperty("agent.jar", "target/docker-agent.jar"));
    static final Duration LEASE = Duration.ofSeconds(3);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(2);
    static final Duration RETRY = Duration.ofMillis(500);
    static final Duration WAIT = Duration.ofSeconds(30);

    static final String BECAME_LEADER = "[LeaderElection] 🎖️  Became leader for agent: ";
    static final String I_AM_THE_LEADER = "[DockerAgent] 🎖️  I am the LEADER - starting agent...";
    static final String STANDING_BY = "Standing by: ";
    private static final Pattern EPOCH = Pattern.compile("\\(epoch (\\d+)");
    /** What a leader logs as it stops acting (before the lock can pass to anyone else). */
    private static final List<String> TERM_ENDS = List.of("Stopping: handing over leadership", "🛑 ",
            "ended unexpectedly; stepping down", "Fenced: no longer acting", "Released leadership",
            "The control plane ended agent", "expired before the agent could start");

    /** One term of leadership, from the replica's log. */
    record Term(AgentReplica replica, long epoch, Instant start, Instant end) {
        @Override
        public String toString() {
            return replica.instanceId + " epoch " + epoch + " [" + start + " .. " + (end == null ? "now" : end) + "]";
        }
    }

    /** One failover: the fault, the new leader's acquisition (its log) and its first heartbeat at the simulator. */
    record Failover(String fault, Duration toAcquired, Duration toFirstHeartbeat, AgentReplica newLeader, long epoch) {
        @Override
        public String toString() {
            return String.format("%s: new leader %s (epoch %d) acquired after %d ms, first heartbeat after %d ms",
                    fault, newLeader.instanceId, epoch, toAcquired.toMillis(), toFirstHeartbeat.toMillis());
        }
    }

    final String agentId;
    final String network;
    final ControlPlaneSimulator controlPlane;
    private final Path work;
    private volatile List<String> backendArgs;
    final List<AgentReplica> replicas = new CopyOnWriteArrayList<>();
    private final List<String> commandIds = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService commandStream;
    private int nextReplica = 1;

    HaDrill(String prefix, List<String> backendArgs) throws IOException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        this.agentId = prefix + "-" + suffix;
        this.network = "ss-ha-" + suffix;
        this.work = TempFiles.directory("ha-drill");
        this.backendArgs = List.copyOf(backendArgs);
        this.controlPlane = ControlPlaneSimulator.builder().port(0).agent(agentId, KEY).start();
    }

    Path work() {
        return work;
    }

    /** The backend's flags for replicas started from now on. */
    void backendArgs(String... args) {
        this.backendArgs = List.of(args);
    }

    AgentReplica startReplica() throws IOException {
        String instanceId = "replica-" + (nextReplica++);
        Path outbox = Files.createDirectories(work.resolve("outbox-" + instanceId));
        DockerSocketProxy docker = DockerSocketProxy.open(work.resolve(instanceId + ".sock"));
        List<String> args = new ArrayList<>(List.of("--agent-id=" + agentId,
                "--control-plane-url=" + controlPlane.webSocketBaseUrl(), "--enable-ha",
                "--lease-duration=" + go(LEASE), "--renew-deadline=" + go(RENEW_DEADLINE), "--retry-period=" + go(RETRY),
                "--outbox-dir=" + outbox, "--network=" + network));
        args.addAll(backendArgs);
        AgentReplica replica = AgentReplica.start(JAR, instanceId, docker,
                Map.of("AGENT_API_KEY", KEY, "HEALTH_CHECK_INTERVAL", "1"), args);
        replicas.add(replica);
        return replica;
    }

    private static String go(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Waits until exactly one live replica leads (by its log) and its socket is up; returns it. */
    AgentReplica awaitSingleLeader() {
        return Awaitility.await("a single leader connected").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    List<AgentReplica> leading = replicas.stream().filter(r -> r.isAlive() && openTerm(r)).toList();
                    return leading.size() == 1 && controlPlane.isConnected(agentId)
                            && leading.get(0).logged(I_AM_THE_LEADER) ? leading.get(0) : null;
                }, Objects::nonNull);
    }

    /** Waits until {@code replica} logs that it stands by. */
    void awaitStandingBy(AgentReplica replica) {
        replica.awaitLine(STANDING_BY, WAIT);
    }

    /** Applies {@code fault} to the leader and measures until the next leader's first accepted heartbeat. */
    Failover failover(String name, AgentReplica leader, Consumer<AgentReplica> fault) {
        int socketsBefore = controlPlane.connectionCount(agentId);
        long epochBefore = terms(leader).getLast().epoch();
        Instant t0 = Instant.now();
        fault.accept(leader);
        Instant signalled = leader.signalledAt() != null ? leader.signalledAt() : t0;
        ReceivedMessage heartbeat = controlPlane.awaitMessage(agentId,
                m -> m.isAccepted("heartbeat") && m.connectionNumber() > socketsBefore, WAIT);
        assertThat(heartbeat.agentEpoch()).as("the new leader's epoch").isGreaterThan(epochBefore);
        Term term = Awaitility.await("the term of epoch " + heartbeat.agentEpoch()).atMost(WAIT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> allTerms().stream().filter(t -> t.epoch() == heartbeat.agentEpoch()).findFirst()
                        .orElse(null), Objects::nonNull);
        return new Failover(name, Duration.between(signalled, term.start()),
                Duration.between(signalled, heartbeat.receivedAt()), term.replica(), term.epoch());
    }

    // ---------------------------------------------------------------------------------------------- commands

    /** Sends a cheap, always-answered command (an unknown action) every 100 ms while the agent is connected. */
    void startCommandStream() {
        commandStream = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("commands").factory());
        commandStream.scheduleAtFixedRate(() -> {
            if (controlPlane.isConnected(agentId)) {
                commandIds.add(controlPlane.sendCommand(agentId, "no_such_action", Map.of("n", commandIds.size())));
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    void stopCommandStream() throws InterruptedException {
        commandStream.shutdown();
        assertThat(commandStream.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** How many commands the leaders answered (they all fail: unknown action). */
    long answeredCommands() {
        Set<String> ids = Set.copyOf(commandIds);
        return controlPlane.received(agentId).stream().filter(m -> m.isAccepted("failed"))
                .map(m -> m.payloadText("commandId")).filter(ids::contains).distinct().count();
    }

    List<String> commandIds() {
        return List.copyOf(commandIds);
    }

    // ---------------------------------------------------------------------------------------------- terms

    private static boolean openTerm(AgentReplica r) {
        List<Term> terms = terms(r);
        return !terms.isEmpty() && terms.getLast().end() == null;
    }

    /** The replica's terms from its log; a term of a killed replica ends when it was signalled. */
    static List<Term> terms(AgentReplica r) {
        List<Term> terms = new ArrayList<>();
        Instant start = null;
        long epoch = 0;
        for (AgentReplica.Line line : r.out) {
            String text = line.text();
            if (text.contains(BECAME_LEADER)) {
                Matcher m = EPOCH.matcher(text);
                assertThat(m.find()).as("epoch in " + text).isTrue();
                start = line.at();
                epoch = Long.parseLong(m.group(1));
            } else if (start != null && TERM_ENDS.stream().anyMatch(text::contains)) {
                terms.add(new Term(r, epoch, start, line.at()));
                start = null;
            }
        }
        if (start != null) {
            boolean dead = !r.isAlive() && r.signalledAt() != null;
            terms.add(new Term(r, epoch, start, dead ? r.signalledAt() : null));
        }
        return terms;
    }

    List<Term> allTerms() {
        return replicas.stream().flatMap(r -> terms(r).stream()).sorted(Comparator.comparing(Term::start)).toList();
    }

    // ---------------------------------------------------------------------------------------------- audits

    /**
     * Everything that must hold after the drill: one leader at a time (terms from the logs never overlap, epochs
     * grow), only leaders registered, connected and touched Docker, and the simulator's recording shows no sign of two
     * leaders executing (every message carries an epoch; per socket one epoch; in arrival order epochs never go
     * back; no command answered twice, so none under two epochs).
     */
    void auditOneLeaderAtATime() {
        List<Term> terms = allTerms();
        assertThat(terms).as("terms").isNotEmpty();
        for (int i = 1; i < terms.size(); i++) {
            Term before = terms.get(i - 1);
            Term after = terms.get(i);
            assertThat(before.end()).as("term " + before + " ended before " + after + " began").isNotNull();
            assertThat(before.end()).as(before + " ends no later than " + after + " begins")
                    .isBeforeOrEqualTo(after.start());
            assertThat(after.epoch()).as("epochs grow: " + before + " then " + after).isGreaterThan(before.epoch());
        }

        // Only leaders act: standbys never register, connect or open Docker.
        for (AgentReplica r : replicas) {
            List<Term> mine = terms(r);
            if (mine.isEmpty()) {
                assertThat(r.docker.connections()).as(r.instanceId + " never led: Docker untouched").isZero();
                assertThat(r.logged("Registered successfully") || r.logged("Connecting to Control Plane"))
                        .as(r.instanceId + " never led: never registered nor connected").isFalse();
            } else if (r.docker.firstConnectionAt() != null) {
                assertThat(r.docker.firstConnectionAt()).as(r.instanceId + " opened Docker only once leading")
                        .isAfterOrEqualTo(mine.getFirst().start());
            }
        }
        long connectedLines = replicas.stream().flatMap(r -> r.out.stream())
                .filter(l -> l.text().contains("[DockerAgent] WebSocket connected")).count();
        long registrations = controlPlane.registrations().stream()
                .filter(r -> agentId.equals(r.agentId()) && r.statusCode() / 100 == 2).count();
        assertThat(controlPlane.connectionCount(agentId)).as("every socket at the simulator is one a leader logged")
                .isEqualTo((int) connectedLines);
        assertThat(connectedLines).as("one socket per term (nobody kicked anybody out)").isEqualTo(terms.size());
        assertThat(registrations).as("one registration per term").isEqualTo(terms.size());

        // The simulator's recording.
        List<ReceivedMessage> received = controlPlane.received(agentId);
        assertThat(received).as("every message accepted").allMatch(ReceivedMessage::accepted);
        assertThat(received).as("every message carries the leader's epoch").allMatch(m -> m.agentEpoch() != null);
        Map<Integer, Set<Long>> epochsBySocket = new LinkedHashMap<>();
        Map<String, Set<Long>> epochsByCommand = new HashMap<>();
        Map<String, Integer> answers = new HashMap<>();
        long last = Long.MIN_VALUE;
        for (ReceivedMessage m : received) {
            assertThat(m.agentEpoch()).as("epochs never go back in arrival order: " + m.raw()).isGreaterThanOrEqualTo(last);
            last = m.agentEpoch();
            epochsBySocket.computeIfAbsent(m.connectionNumber(), k -> new HashSet<>()).add(m.agentEpoch());
            String commandId = m.payloadText("commandId");
            if (commandId != null && ("complete".equals(m.type()) || "failed".equals(m.type()))) {
                epochsByCommand.computeIfAbsent(commandId, k -> new HashSet<>()).add(m.agentEpoch());
                answers.merge(commandId, 1, Integer::sum);
            }
        }
        epochsBySocket.forEach((socket, epochs) -> assertThat(epochs).as("epochs on socket #" + socket).hasSize(1));
        // A command acknowledged in one term may be answered in the next (a fenced leader's results are handed over,
        // ADR 0015), but it is answered once, so under one epoch.
        epochsByCommand.forEach((command, epochs) -> assertThat(epochs).as("epochs answering " + command).hasSize(1));
        answers.forEach((command, count) -> assertThat(count).as("terminal answers to " + command).isEqualTo(1));
        Set<Long> termEpochs = new HashSet<>(terms.stream().map(Term::epoch).toList());
        assertThat(termEpochs).as("every epoch the simulator saw belongs to a term in the logs")
                .containsAll(epochsBySocket.values().stream().flatMap(Set::stream).toList());
    }

    String report() {
        StringBuilder sb = new StringBuilder();
        allTerms().forEach(t -> sb.append("  term ").append(t).append('\n'));
        sb.append("  sockets ").append(controlPlane.connectionCount(agentId)).append(", commands sent ")
                .append(commandIds.size()).append(", answered ").append(answeredCommands()).append('\n');
        replicas.forEach(r -> sb.append("  ").append(r.instanceId).append(": docker connections ")
                .append(r.docker.connections()).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        try {
            if (commandStream != null) {
                commandStream.shutdownNow();
            }
            for (AgentReplica r : replicas) {
                r.close();
            }
        } finally {
            controlPlane.stop();
            TempFiles.delete(work);
        }
    }

    /** All replicas' output, for a failed drill. */
    String outputs() {
        StringBuilder sb = new StringBuilder();
        replicas.forEach(r -> sb.append(r.output()));
        return sb.toString();
    }
}
