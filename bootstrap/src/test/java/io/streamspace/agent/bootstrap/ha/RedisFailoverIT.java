package io.streamspace.agent.bootstrap.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.e2e.AgentObjects;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import io.streamspace.agent.testkit.redis.RedisServerProcess;
import io.streamspace.agent.testkit.files.TempFiles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault drills for HA with the Redis backend (issue 5, point 8): a real {@code redis-server}, the control-plane
 * simulator and three agent processes of one agent id (lease 3 s, renew deadline 2 s, retry 500 ms). The leader is
 * killed with {@code kill -9}, stopped with SIGTERM, Redis is frozen (SIGSTOP/SIGCONT) and restarted empty, all while
 * commands stream in; at the end the logs, the Docker sockets and the simulator's recording must show one leader at
 * a time.
 */
class RedisFailoverIT {

    private java.nio.file.Path redisData;
    private RedisServerProcess redis;
    private HaDrill drill;

    @BeforeEach
    void setUp() throws Exception {
        redisData = TempFiles.directory("ha-redis");
        redis = RedisServerProcess.start(redisData);
        drill = new HaDrill("docker-ha-redis", List.of("--leader-election-backend=redis", "--redis-url=" + redis.url()));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            System.out.println(drill.report());
            System.out.println(drill.outputs());
            drill.close();
        } finally {
            redis.close();
            TempFiles.delete(redisData);
        }
    }

    @Test
    void oneLeaderAtATimeThroughKillSigtermRedisFreezeAndRedisRestart() throws Exception {
        List<HaDrill.Failover> failovers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            drill.startReplica();
        }
        AgentReplica leader = drill.awaitSingleLeader();
        leader.awaitLine(HaDrill.I_AM_THE_LEADER, HaDrill.WAIT);
        for (AgentReplica r : drill.replicas) {
            if (r != leader) {
                drill.awaitStandingBy(r);
                assertThat(r.docker.connections()).as(r.instanceId + " stands by without touching Docker").isZero();
                assertThat(r.logged("Registered successfully")).as(r.instanceId + " did not register").isFalse();
            }
        }
        drill.controlPlane.awaitMessage(drill.agentId, m -> m.isAccepted("heartbeat"), HaDrill.WAIT);
        assertThat(drill.controlPlane.connectionCount(drill.agentId)).as("only the leader connected").isEqualTo(1);
        drill.startCommandStream();
        awaitAnswered(5);

        // kill -9: the lease must run out before a standby leads (how long it takes is measured by
        // bench/failover, docs/benchmarks-failover.md, never asserted here).
        HaDrill.Failover crash = drill.failover("kill -9", leader, AgentReplica::kill9);
        failovers.add(crash);
        assertThat(crash.toAcquired()).as("nobody leads before the killed leader's lease ran out: " + crash)
                .isGreaterThanOrEqualTo(HaDrill.LEASE.minus(HaDrill.RENEW_DEADLINE));
        drill.awaitStandingBy(drill.startReplica()); // back to three
        leader = crash.newLeader();
        awaitAnswered(drill.answeredCommands() + 5);

        // SIGTERM: the leader releases the lock (so a standby need not wait for the lease to run out).
        HaDrill.Failover graceful = drill.failover("SIGTERM", leader, AgentReplica::sigterm);
        failovers.add(graceful);
        leader.awaitExit(HaDrill.WAIT);
        assertThat(leader.process.exitValue()).as("exit code after SIGTERM").isEqualTo(143);
        assertThat(leader.logged("Released leadership of agent")).isTrue();
        drill.awaitStandingBy(drill.startReplica());
        leader = graceful.newLeader();
        awaitAnswered(drill.answeredCommands() + 5);

        // Redis frozen for longer than the lease: the leader fences itself within its renew deadline, while Redis is
        // still frozen; nobody leads until Redis answers again, then exactly one does with a higher epoch.
        AgentReplica frozenLeader = leader;
        HaDrill.Failover freeze = drill.failover("Redis SIGSTOP/SIGCONT", leader, l -> {
            try {
                Instant paused = Instant.now();
                redis.pause();
                frozenLeader.awaitLine("🛑 No renewal of the leader lock confirmed", HaDrill.WAIT);
                drill.controlPlane.awaitDisconnected(drill.agentId, HaDrill.WAIT);
                Instant fencedSeen = Instant.now();
                Awaitility.await("Redis frozen past the lease").atMost(HaDrill.WAIT).pollInterval(Duration.ofMillis(50))
                        .until(() -> Instant.now().isAfter(paused.plus(HaDrill.LEASE).plus(HaDrill.RETRY)));
                assertThat(drill.controlPlane.isConnected(drill.agentId)).as("nobody leads while Redis is frozen")
                        .isFalse();
                redis.resume();
                System.out.printf("Redis frozen: link closed %d ms after SIGSTOP%n",
                        Duration.between(paused, fencedSeen).toMillis());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        failovers.add(freeze);
        leader = freeze.newLeader();
        awaitAnswered(drill.answeredCommands() + 5);

        // Redis restarted empty: the leader's renewal finds no key and it fences itself; the next epoch is higher
        // even though Redis forgot the counter.
        HaDrill.Failover restart = drill.failover("Redis restart", leader, l -> {
            try {
                redis.restart();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        failovers.add(restart);
        assertThat(restart.toAcquired()).as("quarantined for one lease before anyone leads: " + restart)
                .isGreaterThanOrEqualTo(HaDrill.LEASE.minusMillis(200));
        awaitAnswered(drill.answeredCommands() + 5);

        drill.stopCommandStream();
        failovers.forEach(f -> System.out.println("FAILOVER " + f));
        drill.auditOneLeaderAtATime();
        assertThat(drill.allTerms()).as("one term per leader: the first, then one per fault").hasSize(5);
    }

    /**
     * The loss the Redis drill found (ADR 0015): the leader fences itself while a {@code start_session} it already
     * acknowledged is still at Docker. Its Docker calls are held (at the socket proxy) while Redis is frozen past the
     * lease (the fenced replica itself frozen while Redis comes back, so that the other one leads), until the next
     * leader has connected and reconciled, so the container appears only after that and the answer lands in the
     * fenced replica's own outbox. It must reach the control plane once, through the next leader,
     * and the container must be the one the answer reports.
     */
    @Test
    void aStartInFlightWhenTheLeaderFencesItselfIsAnsweredOnceThroughTheNextLeader() throws Exception {
        AgentReplica first = drill.startReplica();
        AgentReplica second = drill.startReplica();
        AgentReplica leader = drill.awaitSingleLeader();
        AgentReplica next = leader == first ? second : first;
        drill.awaitStandingBy(next);
        drill.controlPlane.awaitMessage(drill.agentId, m -> m.isAccepted("heartbeat"), HaDrill.WAIT);
        try (AgentObjects objects = new AgentObjects(drill.agentId)) {
            try {
                leader.docker.hold();
                String sessionId = "alice-handover-" + UUID.randomUUID().toString().substring(0, 8);
                String start = drill.controlPlane.sendCommand(drill.agentId, "start_session",
                        AgentObjects.startPayload(sessionId, "", ""));
                drill.controlPlane.awaitCommandStatus(start, CommandState.Status.ACKED, HaDrill.WAIT);
                leader.awaitLine("Received command " + start, HaDrill.WAIT);
                int socketsBefore = drill.controlPlane.connectionCount(drill.agentId);

                Instant paused = Instant.now();
                redis.pause();
                leader.awaitLine("🛑 No renewal of the leader lock confirmed", HaDrill.WAIT);
                // Frozen too while Redis comes back, so that the other replica leads next (else the fenced one may
                // win the lock again and simply send its own answer).
                leader.freeze();
                try {
                    Awaitility.await("Redis frozen past the lease").atMost(HaDrill.WAIT)
                            .pollInterval(Duration.ofMillis(50))
                            .until(() -> Instant.now().isAfter(paused.plus(HaDrill.LEASE).plus(HaDrill.RETRY)));
                    redis.resume();
                    drill.controlPlane.awaitMessage(drill.agentId,
                            m -> m.isAccepted("heartbeat") && m.connectionNumber() > socketsBefore, HaDrill.WAIT);
                    next.awaitLine("Reconciled ", HaDrill.WAIT);
                } finally {
                    leader.thaw();
                }
                assertThat(objects.containersBySession()).as("no container before the held start goes on").isEmpty();
                assertThat(drill.controlPlane.commandState(start).status()).as("not answered yet")
                        .isEqualTo(CommandState.Status.ACKED);

                leader.docker.release(); // the fenced replica's start finishes now, after the new leader reconciled
                CommandState answered = Awaitility.await("the start answered").atMost(HaDrill.WAIT.multipliedBy(2))
                        .pollInterval(Duration.ofMillis(50)).until(() -> drill.controlPlane.commandState(start),
                                c -> c.status() == CommandState.Status.COMPLETED
                                        || c.status() == CommandState.Status.FAILED);
                assertThat(answered.status()).as("the start itself succeeded: " + answered.error())
                        .isEqualTo(CommandState.Status.COMPLETED);
                leader.awaitLine("over to the leader", HaDrill.WAIT);
                next.awaitLine("that a former leader handed over", HaDrill.WAIT);
                drill.controlPlane.awaitSessionState(sessionId, "running", HaDrill.WAIT);
                assertThat(objects.containersBySession().get(sessionId)).as("the session's one container")
                        .hasSize(1).allMatch(c -> "running".equals(c.getState()));

                // Stop both replicas (gracefully): after that no late duplicate can arrive, and every answer counts.
                for (AgentReplica r : drill.replicas) {
                    r.close();
                }
                List<ReceivedMessage> answers = drill.controlPlane.received(drill.agentId).stream()
                        .filter(m -> start.equals(m.payloadText("commandId")))
                        .filter(m -> m.isAccepted("complete") || m.isAccepted("failed")).toList();
                assertThat(answers).as("exactly one terminal answer").hasSize(1);
                assertThat(answers.getFirst().connectionNumber()).as("sent by the next leader")
                        .isGreaterThan(socketsBefore);
                drill.auditOneLeaderAtATime();
            } finally {
                leader.docker.release();
                for (AgentReplica r : drill.replicas) {
                    r.close();
                }
                objects.cleanup(drill.network);
            }
        }
    }

    private void awaitAnswered(long count) {
        Awaitility.await("at least " + count + " commands answered").atMost(HaDrill.WAIT)
                .pollInterval(Duration.ofMillis(20)).until(() -> drill.answeredCommands() >= count);
    }
}
