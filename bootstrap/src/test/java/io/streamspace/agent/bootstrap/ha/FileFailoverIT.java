package io.streamspace.agent.bootstrap.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault drills for HA with the file backend (issue 5, point 8): two agent processes on one host share a lock file
 * (lease 3 s, renew deadline 2 s, retry 500 ms). The OS releases the lock of a killed process, so even
 * {@code kill -9} hands over within about one retry period; SIGTERM releases at once.
 */
class FileFailoverIT {

    private static final Duration START_SLACK = Duration.ofMillis(2_000);

    private HaDrill drill;

    @BeforeEach
    void setUp() throws Exception {
        drill = new HaDrill("docker-ha-file", List.of());
    }

    @AfterEach
    void tearDown() throws Exception {
        System.out.println(drill.report());
        System.out.println(drill.outputs());
        drill.close();
    }

    @Test
    void oneLeaderAtATimeThroughKillAndSigterm() throws Exception {
        // The lock file is given after the drill exists: it lives in the drill's directory.
        drill.backendArgs("--leader-election-backend=file", "--lock-file-path=" + drill.work().resolve("agent.lock"));
        AgentReplica first = drill.startReplica();
        AgentReplica second = drill.startReplica();
        AgentReplica leader = drill.awaitSingleLeader();
        AgentReplica standby = leader == first ? second : first;
        drill.awaitStandingBy(standby);
        assertThat(standby.docker.connections()).as("the standby does not touch Docker").isZero();
        assertThat(standby.logged("Registered successfully")).as("the standby does not register").isFalse();
        drill.controlPlane.awaitMessage(drill.agentId, m -> m.isAccepted("heartbeat"), HaDrill.WAIT);
        drill.startCommandStream();
        awaitAnswered(5);

        HaDrill.Failover crash = drill.failover("kill -9", leader, AgentReplica::kill9);
        System.out.println("FAILOVER " + crash);
        assertThat(crash.newLeader()).isSameAs(standby);
        assertThat(crash.toAcquired()).as("the OS released the lock: " + crash)
                .isLessThanOrEqualTo(HaDrill.RETRY.plusMillis(700));
        assertThat(crash.toFirstHeartbeat()).as(crash.toString())
                .isLessThanOrEqualTo(HaDrill.LEASE.plus(HaDrill.RETRY).plus(START_SLACK));
        AgentReplica replacement = drill.startReplica();
        drill.awaitStandingBy(replacement);
        awaitAnswered(drill.answeredCommands() + 5);

        HaDrill.Failover graceful = drill.failover("SIGTERM", standby, AgentReplica::sigterm);
        System.out.println("FAILOVER " + graceful);
        standby.awaitExit(HaDrill.WAIT);
        assertThat(standby.process.exitValue()).isEqualTo(143);
        assertThat(graceful.newLeader()).isSameAs(replacement);
        assertThat(graceful.toAcquired()).as(graceful.toString()).isLessThanOrEqualTo(HaDrill.RETRY.plusMillis(700));
        assertThat(graceful.toFirstHeartbeat()).as(graceful.toString())
                .isLessThanOrEqualTo(HaDrill.RETRY.plus(START_SLACK));
        awaitAnswered(drill.answeredCommands() + 5);

        drill.stopCommandStream();
        drill.auditOneLeaderAtATime();
        assertThat(drill.allTerms()).hasSize(3);
    }

    private void awaitAnswered(long count) {
        Awaitility.await("at least " + count + " commands answered").atMost(HaDrill.WAIT)
                .pollInterval(Duration.ofMillis(20)).until(() -> drill.answeredCommands() >= count);
    }
}
