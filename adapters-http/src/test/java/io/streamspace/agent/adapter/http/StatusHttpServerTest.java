package io.streamspace.agent.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.in.SuperviseSidecar;
import io.streamspace.agent.application.service.metrics.AgentStatusService;
import io.streamspace.agent.application.service.metrics.CommandMetricsRecorder;
import io.streamspace.agent.domain.metrics.CommandMetrics;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import io.streamspace.agent.domain.metrics.HostSnapshot;
import io.streamspace.agent.domain.watchdog.HealthState;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real server on a free loopback port, asked with the JDK's HttpClient. */
class StatusHttpServerTest {

    private static final long NOW = 1_732_300_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandMetricsRecorder recorder = new CommandMetricsRecorder(ControlPlaneTag.STATUS_PANEL,
            new CommandMetrics(), Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    private final AtomicReference<Optional<HostSnapshot>> host = new AtomicReference<>(
            Optional.of(new HostSnapshot(0.5, 0.25, 0.125, 8L << 30, 6L << 30, 4)));
    private final HttpClient client = HttpClient.newHttpClient();
    private StatusHttpServer server;

    @BeforeEach
    void start() throws Exception {
        QueryAgentStatus status = new AgentStatusService(recorder, host::get, new QueryAgentStatus.Capabilities(false,
                ControlPlaneTag.STATUS_PANEL, "0.1.0-test", List.of("docker", "sessions", "monitoring")));
        server = StatusHttpServer.start("127.0.0.1", 0, status, JSON);
    }

    @AfterEach
    void stop() {
        server.close();
        client.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = send("GET", path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        return JSON.readTree(response.body());
    }

    private void recordSome() {
        recorder.finished("start_session", CommandOutcome.SUCCESS);
        recorder.finished("start_session", CommandOutcome.FAILURE);
        recorder.finished("launch_rocket", CommandOutcome.FAILURE);
    }

    @Test
    void healthBeforeAnyCommandHasNullsWhereNothingIsKnown() throws Exception {
        assertThat(send("GET", "/health").body()).isEqualTo("{\"status\":\"ok\",\"token_age_seconds\":null,"
                + "\"last_refresh_ok\":null,\"command_metrics\":{\"status_panel_count\":0,\"compose_agent_count\":0,"
                + "\"total_count\":0,\"last_control_plane\":null,\"last_command_timestamp_ms\":null,\"by_action\":{}}}");
    }

    @Test
    void diagnosticsShowTheExactFieldsAfterRecordedCommands() throws Exception {
        recordSome();
        assertThat(send("GET", "/api/v1/diagnostics/commands").body()).isEqualTo("{\"status_panel_count\":3,"
                + "\"compose_agent_count\":0,\"total_count\":3,\"last_control_plane\":\"status_panel\","
                + "\"last_command_timestamp_ms\":" + NOW + ",\"by_action\":{"
                + "\"launch_rocket\":{\"success\":0,\"failure\":1},"
                + "\"start_session\":{\"success\":1,\"failure\":1}}}");
        JsonNode health = getJson("/health");
        assertThat(health.get("command_metrics").get("total_count").asLong()).isEqualTo(3);
        assertThat(health.get("command_metrics").get("by_action").get("start_session").get("failure").asLong())
                .isEqualTo(1);
    }

    @Test
    void capabilitiesReportLegacyModeAndThePlane() throws Exception {
        assertThat(send("GET", "/capabilities").body()).isEqualTo("{\"compose_agent\":false,"
                + "\"control_plane\":\"status_panel\",\"version\":\"0.1.0-test\","
                + "\"features\":[\"docker\",\"sessions\",\"monitoring\"]}");
    }

    @Test
    void capabilitiesNameTheRuntimeOnceItIsKnown() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> detected = new java.util.concurrent.atomic.AtomicReference<>();
        CommandMetricsRecorder plane = new CommandMetricsRecorder(ControlPlaneTag.STATUS_PANEL, new CommandMetrics(),
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
        QueryAgentStatus status = new AgentStatusService(plane, Optional::empty, new QueryAgentStatus.Capabilities(
                false, ControlPlaneTag.STATUS_PANEL, "0.1.0-test", List.of("docker")), null,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), Optional.empty(),
                () -> Optional.ofNullable(detected.get()));
        server.close();
        server = StatusHttpServer.start("127.0.0.1", 0, status, JSON);

        assertThat(getJson("/capabilities").has("runtime")).as("unknown before the engine answered").isFalse();
        detected.set("podman");
        assertThat(send("GET", "/capabilities").body()).isEqualTo("{\"compose_agent\":false,"
                + "\"control_plane\":\"status_panel\",\"version\":\"0.1.0-test\",\"features\":[\"docker\"],"
                + "\"runtime\":\"podman\"}");
    }

    @Test
    void metricsAddTheHostToTheCommandMetrics() throws Exception {
        recordSome();
        JsonNode metrics = getJson("/api/v1/metrics");
        assertThat(metrics.get("status_panel_count").asLong()).isEqualTo(3);
        assertThat(metrics.get("total_count").asLong()).isEqualTo(3);
        assertThat(metrics.get("last_command_timestamp_ms").asLong()).isEqualTo(NOW);
        assertThat(metrics.get("by_action").get("launch_rocket").get("failure").asLong()).isEqualTo(1);
        JsonNode hostNode = metrics.get("host");
        assertThat(hostNode.get("load_average").get("1m").asDouble()).isEqualTo(0.5);
        assertThat(hostNode.get("load_average").get("5m").asDouble()).isEqualTo(0.25);
        assertThat(hostNode.get("load_average").get("15m").asDouble()).isEqualTo(0.125);
        assertThat(hostNode.get("memory").get("total_bytes").asLong()).isEqualTo(8L << 30);
        assertThat(hostNode.get("memory").get("available_bytes").asLong()).isEqualTo(6L << 30);
        assertThat(hostNode.get("memory").get("used_bytes").asLong()).isEqualTo(2L << 30);
        assertThat(hostNode.get("cpus").asInt()).isEqualTo(4);

        host.set(Optional.empty());
        assertThat(getJson("/api/v1/metrics").get("host").isNull()).isTrue();
    }

    @Test
    void prometheusTextCountsCommandsByPlaneActionAndOutcome() throws Exception {
        recordSome();
        HttpResponse<String> first = send("GET", "/metrics");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain"));
        assertThat(first.body())
                .contains("# TYPE agent_commands_total counter")
                .contains("agent_commands_total{action=\"start_session\",control_plane=\"status_panel\","
                        + "outcome=\"success\"} 1.0")
                .contains("agent_commands_total{action=\"start_session\",control_plane=\"status_panel\","
                        + "outcome=\"failure\"} 1.0")
                .contains("agent_commands_total{action=\"launch_rocket\",control_plane=\"status_panel\","
                        + "outcome=\"failure\"} 1.0")
                .contains("agent_host_load_average{window=\"1m\"} 0.5")
                .contains("agent_host_memory_total_bytes " + (double) (8L << 30));

        recorder.finished("start_session", CommandOutcome.SUCCESS);
        assertThat(send("GET", "/metrics").body()).contains("agent_commands_total{action=\"start_session\","
                + "control_plane=\"status_panel\",outcome=\"success\"} 2.0");
    }

    @Test
    void unknownPathsAre404AndOtherMethods405WithJsonBodies() throws Exception {
        HttpResponse<String> missing = send("GET", "/api/v1/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(JSON.readTree(missing.body()).get("error").asText()).isEqualTo("not found");

        for (String path : List.of("/health", "/capabilities", "/api/v1/metrics", "/api/v1/diagnostics/commands",
                "/metrics")) {
            HttpResponse<String> post = send("POST", path);
            assertThat(post.statusCode()).as("POST " + path).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
            assertThat(JSON.readTree(post.body()).get("error").asText()).isEqualTo("method not allowed");
        }
        assertThat(send("DELETE", "/health").statusCode()).isEqualTo(405);
        assertThat(send("HEAD", "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void listensOnLoopbackOnlyAndRefusesAPortInUse() throws Exception {
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> StatusHttpServer.start("127.0.0.1",
                    taken.getLocalPort(), new AgentStatusService(recorder, Optional::empty,
                            new QueryAgentStatus.Capabilities(false, ControlPlaneTag.STATUS_PANEL, "x", List.of())),
                    JSON)).isInstanceOf(java.net.BindException.class);
        }
    }

    /** A watchdog reporting whatever the test sets. */
    private static final class FakeWatchdog implements SuperviseSidecar {
        volatile Status status;

        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }

        @Override
        public Status checkNow() {
            return status;
        }

        @Override
        public Status status() {
            return status;
        }
    }

    @Test
    void healthAndPrometheusShowTheSidecarInSidecarMode() throws Exception {
        FakeWatchdog watchdog = new FakeWatchdog();
        watchdog.status = new SuperviseSidecar.Status("compose-agent", HealthState.HEALTHY, 0, 5, false,
                Instant.ofEpochMilli(NOW), null, null, null);
        CommandMetricsRecorder plane = new CommandMetricsRecorder(ControlPlaneTag.COMPOSE_AGENT, new CommandMetrics(),
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
        QueryAgentStatus status = new AgentStatusService(plane, Optional::empty, new QueryAgentStatus.Capabilities(
                true, ControlPlaneTag.COMPOSE_AGENT, "0.1.0-test", List.of("docker")), null,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), Optional.of(watchdog));
        server.close();
        server = StatusHttpServer.start("127.0.0.1", 0, status, JSON);

        JsonNode healthy = getJson("/health");
        assertThat(healthy.get("status").asText()).isEqualTo("ok");
        assertThat(JSON.writeValueAsString(healthy.get("sidecar"))).isEqualTo("{\"container\":\"compose-agent\","
                + "\"state\":\"healthy\",\"reason\":null,\"restart_attempts\":0,\"max_restart_attempts\":5,"
                + "\"failed\":false,\"last_restart\":null}");
        assertThat(healthy.has("command_metrics")).isTrue();
        assertThat(send("GET", "/metrics").body())
                .contains("agent_sidecar_restarts 0.0")
                .contains("agent_sidecar_failed 0.0");

        watchdog.status = new SuperviseSidecar.Status("compose-agent",
                new HealthState.GlibcMismatch("version `GLIBC_2.39' not found"), 5, 5, true,
                Instant.ofEpochMilli(NOW), Instant.parse("2024-11-22T18:26:30Z"), null, null);
        JsonNode failed = getJson("/health");
        assertThat(failed.get("status").asText()).isEqualTo("degraded");
        JsonNode sidecar = failed.get("sidecar");
        assertThat(sidecar.get("state").asText()).isEqualTo("glibc_mismatch");
        assertThat(sidecar.get("reason").asText()).isEqualTo("version `GLIBC_2.39' not found");
        assertThat(sidecar.get("restart_attempts").asInt()).isEqualTo(5);
        assertThat(sidecar.get("failed").asBoolean()).isTrue();
        assertThat(sidecar.get("last_restart").asText()).isEqualTo("2024-11-22T18:26:30Z");
        assertThat(send("GET", "/metrics").body())
                .contains("# TYPE agent_sidecar_restarts gauge")
                .contains("agent_sidecar_restarts 5.0")
                .contains("# TYPE agent_sidecar_failed gauge")
                .contains("agent_sidecar_failed 1.0");
    }

    @Test
    void legacyModeHasNoSidecarGauges() throws Exception {
        assertThat(getJson("/health").has("sidecar")).isFalse();
        assertThat(send("GET", "/metrics").body()).doesNotContain("agent_sidecar");
    }
}
