package io.streamspace.agent.deploy;

import static io.streamspace.agent.deploy.Host.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
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
        String writeToken = "status-write-" + Deployment.hex8() + Deployment.hex8();
        String mcpToken = "mcp-" + Deployment.hex8() + Deployment.hex8();
        int mcpPort = Deployment.freePort();
        try (Deployment d = Deployment.of(root, "docker-compose.sidecar.yml", Map.of(
                "COMPOSE_AGENT_CONTAINER", sidecarName, "STATUS_WRITE_TOKEN", writeToken,
                "MCP_LISTEN", "compose-agent:5003", "MCP_TOKEN", mcpToken, "MCP_ALLOW_TOOLS", "session_hibernate",
                "MCP_PUBLISH_PORT", Integer.toString(mcpPort)))) {
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
                String session = d.startSession();
                assertThat(Deployment.logs(d.container("socket-proxy"))).doesNotContain("Refused");

                // the panel is the agent's (no socket: it reads through the sidecar), on the host's loopback
                assertThat(StandaloneComposeIT.publishedOn(agent, "5001/tcp")).containsExactly("127.0.0.1:"
                        + d.statusPort);
                assertThat(d.panel(d.statusPort).path("mode").asText()).isEqualTo("sidecar");
                assertThat(d.panelJson(d.statusPort, "/api/v1/sessions").path("source").asText()).isEqualTo("sidecar");
                // the compose-agent's MCP gateway, enabled from .env: session changes are the agent's own
                assertThat(StandaloneComposeIT.publishedOn(sidecar, "5003/tcp")).containsExactly("127.0.0.1:" + mcpPort);
                hibernateAndWakeThroughMcp(d, mcpPort, mcpToken, session);

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

    /** session_hibernate and session_wake from the host through the published gateway; never a failed status. */
    private static void hibernateAndWakeThroughMcp(Deployment d, int port, String token, String session) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + port).endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofMinutes(3)).build();
        try {
            // it answers 401 to a request without the token once it listens
            Awaitility.await("the MCP gateway on 127.0.0.1:" + port).atMost(Deployment.STARTUP)
                    .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> Deployment.get(port, "/mcp", null).statusCode() == 401);
            client.initialize();
            assertThat(call(client, "session_list").get("source")).as("the agent's own view").isEqualTo("agent");
            assertThat(call(client, "session_hibernate", "session_id", session).get("status_reports").toString())
                    .contains("status hibernated");
            d.controlPlane.awaitSessionState(session, "hibernated", Deployment.STARTUP);
            assertThat(call(client, "session_wake", "session_id", session).get("status_reports").toString())
                    .contains("status running");
            d.controlPlane.awaitSessionState(session, "running", Deployment.STARTUP);
            assertThat(d.controlPlane.sessionStatuses(d.agentId, session).stream()
                    .map(m -> m.payloadText("state")).toList()).containsSubsequence("running", "hibernated", "running")
                    .doesNotContain("failed");
        } finally {
            client.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(McpSyncClient client, String tool, String... arguments) {
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        for (int i = 0; i < arguments.length; i += 2) {
            args.put(arguments[i], arguments[i + 1]);
        }
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, args));
        assertThat(result.isError()).as(tool + ": " + result.content()).isFalse();
        return (Map<String, Object>) result.structuredContent();
    }

    static List<String> mounts(JsonNode container) {
        List<String> mounts = new ArrayList<>();
        container.path("Mounts").forEach(m -> mounts.add(m.path("Source").asText() + " -> "
                + m.path("Destination").asText()));
        return mounts;
    }
}
