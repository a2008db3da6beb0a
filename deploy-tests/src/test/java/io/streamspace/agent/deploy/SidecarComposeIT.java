package io.streamspace.agent.deploy;

import static io.streamspace.agent.deploy.Host.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/docker-compose.sidecar.yml with Debian's docker-compose: the agent without the Docker socket, the
 * compose-agent with it, the token from a shared file, the watchdog on (through the socket proxy). A session
 * starts through the sidecar; {@code docker kill} of the sidecar gets it restarted by the agent's watchdog (a killed
 * container is not restarted by Docker's restart policy), and the next session starts again.
 */
class SidecarComposeIT {

    @TempDir
    Path root;

    @Test
    void theAgentWithoutTheSocketStartsSessionsThroughTheSidecarAndItsWatchdogRestartsAKilledSidecar() throws Exception {
        String sidecarName = "sst-deploy-compose-agent-" + Deployment.hex8();
        try (Deployment d = Deployment.of(root, "docker-compose.sidecar.yml", Map.of(
                "COMPOSE_AGENT_CONTAINER", sidecarName))) {
            Path token = d.dir.resolve("compose-agent.token");
            Files.writeString(token, Deployment.hex8() + Deployment.hex8() + Deployment.hex8() + "\n");
            // the containers' user (uid 10001) reads it; an operator would chown it to 10001 and keep it 0400
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("r--r--r--"));
            d.check(() -> {
                ok(d.compose("up", "-d"));

                JsonNode agent = Deployment.inspect(d.container("agent"));
                assertThat(mounts(agent)).noneMatch(m -> m.contains("docker.sock"));
                assertThat(agent.at("/Config/Env").toString()).contains("DOCKER_HOST=tcp://socket-proxy:2375")
                        .contains("COMPOSE_AGENT_ENABLED=true");
                JsonNode sidecar = Deployment.inspect(sidecarName);
                assertThat(mounts(sidecar)).contains(Host.DOCKER_SOCKET + " -> /var/run/docker.sock");

                d.awaitConnected();
                d.startSession();
                assertThat(Deployment.logs(d.container("socket-proxy"))).doesNotContain("Refused");

                String startedAt = sidecar.at("/State/StartedAt").asText();
                Host.dockerOk("kill", sidecarName);
                Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    JsonNode state = Deployment.inspect(sidecarName).path("State");
                    return state.path("Running").asBoolean() && !state.path("StartedAt").asText().equals(startedAt);
                });
                assertThat(Deployment.logs(d.container("agent")))
                        .contains("[Watchdog] Restarting container '" + sidecarName + "'");
                // once the restarted sidecar serves again (its HEALTHCHECK), sessions start through it again
                Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() ->
                        Deployment.inspect(sidecarName).at("/State/Health/Status").asText(), "healthy"::equals);
                d.startSession();
            });
        }
    }

    static List<String> mounts(JsonNode container) {
        List<String> mounts = new ArrayList<>();
        container.path("Mounts").forEach(m -> mounts.add(m.path("Source").asText() + " -> "
                + m.path("Destination").asText()));
        return mounts;
    }
}
