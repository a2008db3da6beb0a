package io.streamspace.agent.deploy;

import static io.streamspace.agent.deploy.Host.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/docker-compose.yml as the README says: one agent with the Docker socket, settings from .env. Brought up by
 * Debian's docker-compose and by the agent's own {@code stack up}; each time the agent registers with the control
 * plane and a session starts and reaches running.
 */
class StandaloneComposeIT {

    @TempDir
    Path root;

    @Test
    void dockerComposeUpRunsAHealthyAgentThatRegistersAndStartsASession() throws Exception {
        try (Deployment d = Deployment.of(root, "docker-compose.yml", Map.of())) {
            d.check(() -> {
                ok(d.compose("up", "-d"));
                d.awaitConnected();
                d.startSession();

                JsonNode agent = Deployment.inspect(d.container("agent"));
                assertThat(agent.at("/Config/User").asText()).isEqualTo("10001:" + Host.dockerSocketGroup());
                assertThat(sources(agent)).contains(Host.DOCKER_SOCKET.toString());
                assertThat(agent.at("/Config/Image").asText()).isEqualTo(Host.agentImage());
                // the status panel, published on the host's loopback only, behind the token
                assertThat(publishedOn(agent, "5001/tcp")).containsExactly("127.0.0.1:" + d.statusPort);
                JsonNode view = d.panel(d.statusPort);
                assertThat(view.at("/leadership/state").asText()).isEqualTo("single");
                assertThat(view.at("/link/state").asText()).isEqualTo("connected");
                assertThat(view.at("/capacity/sessions/used").asInt()).isEqualTo(1);
                // the image's HEALTHCHECK (GET /health with bash's /dev/tcp) turns the container healthy
                Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() ->
                        Deployment.inspect(d.container("agent")).at("/State/Health/Status").asText(),
                        "healthy"::equals);
            });
        }
    }

    @Test
    void theAgentsOwnStackUpRunsTheSameFileAndDockerComposeSeesIt() throws Exception {
        try (Deployment d = Deployment.of(root, "docker-compose.yml", Map.of())) {
            d.check(() -> {
                String up = ok(d.stack("up", "-d")).out();
                assertThat(up).contains("stack " + d.project + ": created [agent]");
                d.awaitConnected();
                d.startSession();

                assertThat(ok(d.stack("ps")).out()).contains(d.project + "-agent-1").contains("running");
                assertThat(d.panel(d.statusPort).at("/link/state").asText()).isEqualTo("connected");
                assertThat(ok(d.compose("ps")).out()).contains(d.project + "-agent-1").contains("Up");
                assertThat(ok(d.stack("logs", "--tail", "200", "agent")).out())
                        .contains("agent | ").contains("Registered successfully");

                String down = ok(d.stack("down", "-v")).out();
                assertThat(down).contains(d.project + "-agent-1").contains(d.project + "_agent-state");
                assertThat(d.containers("agent")).isEmpty();
            });
        }
    }

    @Test
    void withoutAStatusTokenTheAgentRefusesToStartAndNothingIsServed() throws Exception {
        try (Deployment d = Deployment.of(root, "docker-compose.yml", Map.of("STATUS_TOKEN", ""))) {
            d.check(() -> {
                ok(d.compose("up", "-d"));
                String agent = d.container("agent");
                Awaitility.await().atMost(Deployment.STARTUP).pollInterval(Duration.ofSeconds(1)).until(() ->
                        Deployment.logs(agent).contains("configuration error: refusing to serve the status API on"
                                + " 0.0.0.0 without a token"));
                assertThat(d.controlPlane.registrations()).as("it never registered").isEmpty();
                assertThatThrownBy(() -> Deployment.get(d.statusPort, "/api/v1/agent", null))
                        .as("nothing answers on the published port").isInstanceOf(RuntimeException.class);
            });
        }
    }

    /** The host addresses a container port is published on ("IP:PORT"). */
    static List<String> publishedOn(JsonNode container, String port) {
        List<String> bindings = new ArrayList<>();
        container.at("/NetworkSettings/Ports").path(port).forEach(b -> bindings.add(b.path("HostIp").asText() + ":"
                + b.path("HostPort").asText()));
        return bindings;
    }

    static List<String> sources(JsonNode container) {
        List<String> sources = new ArrayList<>();
        container.path("Mounts").forEach(m -> sources.add(m.path("Source").asText()));
        return sources;
    }
}
