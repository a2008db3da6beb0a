package io.streamspace.agent.deploy;

import static io.streamspace.agent.deploy.Host.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamspace.agent.testkit.controlplane.RecordedRegistration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/docker-compose.ha.yml with Debian's docker-compose: three replicas of one agent id and Redis. One replica
 * leads and serves; {@code docker kill} of the leader's container makes a standby lead, register and serve the next
 * command. The leader is the replica whose address the control plane saw register (only a leader registers).
 */
class HaComposeIT {

    private static final List<String> REPLICAS = List.of("agent-1", "agent-2", "agent-3");

    @TempDir
    Path root;

    @Test
    void killingTheLeaderContainerMakesAStandbyLeadAndServeTheNextCommand() throws Exception {
        // the default lease timings (15 s lease): shorter ones fence busy leaders on a loaded CI machine
        Map<String, Integer> ports = new LinkedHashMap<>();
        REPLICAS.forEach(replica -> ports.put(replica, Deployment.freePort()));
        Map<String, String> settings = new LinkedHashMap<>(Map.of("REDIS_IMAGE", Host.redisImage()));
        ports.forEach((replica, port) -> settings.put("STATUS_PUBLISH_PORT_" + replica.substring(6), port.toString()));
        try (Deployment d = Deployment.of(root, "docker-compose.ha.yml", settings)) {
            d.check(() -> {
                ok(d.compose("up", "-d"));
                assertThat(REPLICAS).allSatisfy(replica -> assertThat(d.containers(replica)).hasSize(1));
                d.awaitConnected();
                String leader = currentLeader(d);
                assertThat(Deployment.logs(leader)).contains("Became leader for agent: " + d.agentId);
                d.startSession();

                // each replica's panel on its own host port: the leader's says so, the standbys' name it
                String leaderReplica = replicaOf(d, leader);
                JsonNode leading = d.panel(ports.get(leaderReplica));
                assertThat(leading.at("/leadership/state").asText()).isEqualTo("leader");
                String leaderInstance = leading.path("instance_id").asText();
                for (String replica : REPLICAS) {
                    if (!replica.equals(leaderReplica)) {
                        d.panel(ports.get(replica));
                        Awaitility.await(replica + "'s panel names the leader").atMost(Duration.ofSeconds(30))
                                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                                    JsonNode standby = d.panelJson(ports.get(replica), "/api/v1/agent");
                                    assertThat(standby.at("/leadership/state").asText()).isEqualTo("standby");
                                    assertThat(standby.at("/leadership/holder").asText()).isEqualTo(leaderInstance);
                                });
                        assertThat(d.panelJson(ports.get(replica), "/api/v1/sessions").path("unavailable").asText())
                                .contains("standby");
                    }
                }
                assertThat(d.panelJson(ports.get(leaderReplica), "/api/v1/sessions").path("sessions")).hasSize(1);

                int registrations = d.controlPlane.registrations().size();
                Host.dockerOk("kill", leader);
                Awaitility.await().atMost(Deployment.STARTUP).pollInterval(Duration.ofSeconds(1)).until(() ->
                        d.controlPlane.registrations().size() > registrations && d.controlPlane.isConnected(d.agentId));
                String next = currentLeader(d);
                assertThat(next).isNotEqualTo(leader);
                assertThat(Deployment.inspect(leader).at("/State/Running").asBoolean()).isFalse();
                assertThat(Deployment.logs(next)).contains("Became leader for agent: " + d.agentId);
                d.startSession();
                assertThat(d.panelJson(ports.get(replicaOf(d, next)), "/api/v1/agent").at("/leadership/state")
                        .asText()).as("the new leader's panel").isEqualTo("leader");
            });
        }
    }

    /** The service name of a replica's container. */
    private static String replicaOf(Deployment d, String container) {
        return REPLICAS.stream().filter(r -> d.container(r).equals(container)).findFirst().orElseThrow();
    }

    /** The replica whose address made the latest accepted registration. */
    private static String currentLeader(Deployment d) {
        List<RecordedRegistration> accepted = d.controlPlane.registrations().stream()
                .filter(r -> r.statusCode() == 200 && d.agentId.equals(r.agentId())).toList();
        assertThat(accepted).as("accepted registrations").isNotEmpty();
        String address = accepted.get(accepted.size() - 1).clientAddress();
        Optional<String> replica = REPLICAS.stream().map(d::container)
                .filter(id -> Deployment.inspect(id).at("/NetworkSettings/Networks").toString()
                        .contains("\"IPAddress\":\"" + address + "\""))
                .findFirst();
        assertThat(replica).as("the replica at " + address).isPresent();
        return replica.get();
    }
}
