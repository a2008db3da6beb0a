package io.streamspace.agent.deploy;

import static io.streamspace.agent.deploy.Host.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/docker-compose.ha.yml with Debian's docker-compose: three replicas of one agent id and Redis. One replica
 * leads and serves; {@code docker kill} of the leader's container makes a standby lead, reconnect and serve the
 * next command. The lease timings come from .env, as any setting does.
 */
class HaComposeIT {

    private static final String BECAME_LEADER = "Became leader for agent";
    private static final List<String> REPLICAS = List.of("agent-1", "agent-2", "agent-3");

    @TempDir
    Path root;

    @Test
    void killingTheLeaderContainerMakesAStandbyLeadAndServeTheNextCommand() throws Exception {
        try (Deployment d = Deployment.of(root, "docker-compose.ha.yml", Map.of(
                "REDIS_IMAGE", Host.redisImage(),
                "LEASE_DURATION", "6s", "RENEW_DEADLINE", "4s", "RETRY_PERIOD", "1s"))) {
            d.check(() -> {
                ok(d.compose("up", "-d"));
                assertThat(REPLICAS).allSatisfy(replica -> assertThat(d.containers(replica)).hasSize(1));
                d.awaitConnected();
                String leader = awaitSingleLeader(d, null);
                d.startSession();

                Host.dockerOk("kill", leader);
                String next = awaitSingleLeader(d, leader);
                assertThat(next).isNotEqualTo(leader);
                assertThat(Deployment.inspect(leader).at("/State/Running").asBoolean()).isFalse();
                Awaitility.await().atMost(Deployment.STARTUP).until(() -> d.controlPlane.connectionCount(d.agentId) >= 2);
                d.awaitConnected();
                d.startSession();
            });
        }
    }

    /** The one running replica whose log says it became leader (other than {@code previous}), once there is one. */
    private static String awaitSingleLeader(Deployment d, String previous) {
        AtomicReference<String> leader = new AtomicReference<>();
        Awaitility.await().atMost(Deployment.STARTUP).pollInterval(Duration.ofSeconds(1)).until(() -> {
            List<String> leaders = REPLICAS.stream().map(d::container)
                    .filter(id -> !id.equals(previous))
                    .filter(id -> Deployment.logs(id).contains(BECAME_LEADER))
                    .toList();
            if (leaders.size() == 1) {
                leader.set(leaders.get(0));
                return true;
            }
            assertThat(leaders).as("replicas that became leader").hasSizeLessThanOrEqualTo(1);
            return false;
        });
        return leader.get();
    }
}
