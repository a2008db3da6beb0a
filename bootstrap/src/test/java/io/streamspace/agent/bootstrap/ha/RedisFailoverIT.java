package io.streamspace.agent.bootstrap.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.testkit.redis.RedisServerProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /** Registration, WebSocket upgrade and the first heartbeat of a fresh leader, on a loaded two-core machine. */
    private static final Duration START_SLACK = Duration.ofMillis(2_000);

    private RedisServerProcess redis;
    private HaDrill drill;

    @BeforeEach
    void setUp() throws Exception {
        redis = RedisServerProcess.start(java.nio.file.Files.createTempDirectory("ha-redis"));
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

        // kill -9: the lease must run out, then a standby leads within lease + retry.
        HaDrill.Failover crash = drill.failover("kill -9", leader, AgentReplica::kill9);
        failovers.add(crash);
        assertThat(crash.toAcquired()).as(crash.toString()).isLessThanOrEqualTo(HaDrill.LEASE.plus(HaDrill.RETRY)
                .plusMillis(300));
        assertThat(crash.toFirstHeartbeat()).as(crash.toString())
                .isLessThanOrEqualTo(HaDrill.LEASE.plus(HaDrill.RETRY).plus(START_SLACK));
        drill.awaitStandingBy(drill.startReplica()); // back to three
        leader = crash.newLeader();
        awaitAnswered(drill.answeredCommands() + 5);

        // SIGTERM: the leader releases at once, a standby leads within about one retry period.
        HaDrill.Failover graceful = drill.failover("SIGTERM", leader, AgentReplica::sigterm);
        failovers.add(graceful);
        leader.awaitExit(HaDrill.WAIT);
        assertThat(leader.process.exitValue()).as("exit code after SIGTERM").isEqualTo(143);
        assertThat(leader.logged("Released leadership of agent")).isTrue();
        assertThat(graceful.toAcquired()).as(graceful.toString()).isLessThanOrEqualTo(HaDrill.RETRY.plusMillis(700));
        assertThat(graceful.toFirstHeartbeat()).as(graceful.toString())
                .isLessThanOrEqualTo(HaDrill.RETRY.plus(START_SLACK));
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
                drill.controlPlane.awaitDisconnected(drill.agentId, HaDrill.RENEW_DEADLINE.plusSeconds(2));
                Instant fencedSeen = Instant.now();
                assertThat(frozenLeader.logged("🛑 No renewal of the leader lock confirmed")).isTrue();
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
        assertThat(restart.toAcquired()).as("quarantined for one lease, then a standby leads: " + restart)
                .isBetween(HaDrill.LEASE.minusMillis(200), HaDrill.LEASE.plus(HaDrill.RETRY).plusMillis(500));
        awaitAnswered(drill.answeredCommands() + 5);

        drill.stopCommandStream();
        failovers.forEach(f -> System.out.println("FAILOVER " + f));
        drill.auditOneLeaderAtATime();
        assertThat(drill.allTerms()).as("one term per leader: the first, then one per fault").hasSize(5);
    }

    private void awaitAnswered(long count) {
        Awaitility.await("at least " + count + " commands answered").atMost(HaDrill.WAIT)
                .pollInterval(Duration.ofMillis(20)).until(() -> drill.answeredCommands() >= count);
    }
}
