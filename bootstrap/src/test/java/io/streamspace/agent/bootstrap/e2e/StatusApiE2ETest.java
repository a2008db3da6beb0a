package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status API of the real agent (Dagger-wired as in production) against the strict control-plane simulator and
 * the real Docker engine: commands answered over the link show up in the command execution metrics.
 */
class StatusApiE2ETest {

    private static final String KEY = "d".repeat(32) + "0123456789abcdef0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String AGENT = "docker-status-e2e-"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlPlaneSimulator controlPlane;
    private RunningAgent agent;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        controlPlane = ControlPlaneSimulator.builder().port(0).agent(AGENT, KEY).start();
        agent = RunningAgent.start(AGENT, controlPlane.webSocketBaseUrl().toString(), KEY, Map.of());
        controlPlane.awaitConnected(AGENT, WAIT);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
        } finally {
            controlPlane.stop();
            http.close();
        }
    }

    private JsonNode get(String path) throws Exception {
        int port = agent.component().statusApi().port().orElseThrow();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void commandsAnsweredOverTheLinkAreCountedByActionAndOutcome() throws Exception {
        long before = System.currentTimeMillis();
        String unknown = controlPlane.sendCommand(AGENT, "launch_rocket", Map.of());
        controlPlane.awaitCommandStatus(unknown, CommandState.Status.FAILED, WAIT);
        String stop = controlPlane.sendCommand(AGENT, "stop_session", Map.of("sessionId", "never-started-1"));
        controlPlane.awaitCommandStatus(stop, CommandState.Status.COMPLETED, WAIT);

        // the router records right after sending the answer: the answer can arrive first
        JsonNode metrics = Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> get("/api/v1/diagnostics/commands"), m -> m.get("total_count").asLong() == 2);
        assertThat(metrics.get("status_panel_count").asLong()).isEqualTo(2);
        assertThat(metrics.get("compose_agent_count").asLong()).isZero();
        assertThat(metrics.get("last_control_plane").asText()).isEqualTo("status_panel");
        assertThat(metrics.get("last_command_timestamp_ms").asLong()).isBetween(before, System.currentTimeMillis());
        assertThat(metrics.get("by_action").toString()).isEqualTo(
                "{\"launch_rocket\":{\"success\":0,\"failure\":1},\"stop_session\":{\"success\":1,\"failure\":0}}");

        JsonNode all = get("/api/v1/metrics");
        assertThat(all.get("by_action")).isEqualTo(metrics.get("by_action"));
        assertThat(all.get("host").get("memory").get("total_bytes").asLong()).isPositive();

        JsonNode health = get("/health");
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("token_age_seconds").isNull()).isTrue();
        assertThat(health.get("last_refresh_ok").isNull()).isTrue();
        assertThat(health.get("command_metrics").get("total_count").asLong()).isEqualTo(2);
    }

    @Test
    void legacyModeIsAnnouncedOnceAndReportedByCapabilities() throws Exception {
        JsonNode capabilities = get("/capabilities");
        assertThat(capabilities.get("compose_agent").asBoolean(true)).isFalse();
        assertThat(capabilities.get("control_plane").asText()).isEqualTo("status_panel");
        assertThat(capabilities.get("version").asText()).isNotBlank();
        assertThat(capabilities.get("features").toString()).contains("\"sessions\"").doesNotContain("compose");
        assertThat(agent.logLines("DockerAgent")).filteredOn("compose_agent=false - running in legacy mode"::equals)
                .hasSize(1);
        assertThat(agent.logLines("DockerAgent")).anySatisfy(l -> assertThat(l)
                .startsWith("Status API listening on http://127.0.0.1:"));
    }
}
