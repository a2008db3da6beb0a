package io.streamspace.agent.bootstrap.e2e;

import io.streamspace.agent.testkit.files.TempFiles;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamspace.agent.bootstrap.config.Setting;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status panel's API on the real agent with real sessions (legacy and sidecar mode): every route but
 * {@code /health} behind the token, refusals counted, the token never logged, the sessions and agent views, the
 * event stream and the JVM meters.
 */
class SessionStatusPanelApiE2ETest extends SessionE2E {

    private static final List<String> GUARDED = List.of("/", "/panel/app.js", "/panel/app.css", "/capabilities",
            "/api/v1/metrics", "/api/v1/diagnostics/commands", "/metrics", "/api/v1/sessions", "/api/v1/agent",
            "/api/v1/events", "/api/v1/whoami", "/no/such/route");

    private final HttpClient http = HttpClient.newHttpClient();
    private String readToken;
    private String writeToken;
    private Path writeFile;

    @BeforeEach
    void tokens() throws Exception {
        readToken = "r-" + hex8() + hex8() + hex8();
        writeToken = "w-" + hex8() + hex8() + hex8();
        writeFile = TempFiles.withText("status-write", ".token", writeToken);
    }

    private io.streamspace.agent.bootstrap.ComposeAgentRole.Running ownSidecar;

    @AfterEach
    void closeClient() {
        http.close();
        if (ownSidecar != null) {
            ownSidecar.close();
        }
    }

    private RunningAgent start() throws Exception {
        return startAgent(Map.of(Setting.STATUS_TOKEN, readToken, Setting.STATUS_WRITE_TOKEN_FILE,
                writeFile.toString()));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + agent.component().statusApi().port().orElseThrow() + path);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (path.equals("/api/v1/events")) {
            // a stream: only the status line matters here
            HttpResponse<InputStream> streamed = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            streamed.body().close();
            return new StatusOnly(streamed);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> response = get(path, readToken);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String token, String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyRouteButHealthNeedsTheTokenRefusalsAreCountedAndTheTokenIsNeverLogged() throws Exception {
        start();
        for (String path : GUARDED) {
            assertThat(get(path, null).statusCode()).as("GET %s without a token", path).isEqualTo(401);
            assertThat(get(path, readToken + "x").statusCode()).as("GET %s with a wrong token", path).isEqualTo(401);
        }
        HttpResponse<String> page = get("/", null);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("name=\"token\"").doesNotContain(readToken);

        HttpResponse<String> health = get("/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).properties()).extracting(Map.Entry::getKey)
                .startsWith("status", "token_age_seconds", "last_refresh_ok", "command_metrics");

        for (String path : GUARDED.subList(0, GUARDED.size() - 1)) {
            assertThat(get(path, readToken).statusCode()).as("GET %s with the read token", path).isEqualTo(200);
            assertThat(get(path, writeToken).statusCode()).as("GET %s with the write token", path).isEqualTo(200);
        }
        assertThat(get("/no/such/route", readToken).statusCode()).isEqualTo(404);
        assertThat(json("/api/v1/whoami").get("scope").asText()).isEqualTo("read");

        String metrics = get("/metrics", readToken).body();
        assertThat(counter(metrics, "agent_status_unauthorized_total{reason=\"missing\"}"))
                .isGreaterThanOrEqualTo(GUARDED.size() + 1);
        assertThat(counter(metrics, "agent_status_unauthorized_total{reason=\"invalid\"}"))
                .isGreaterThanOrEqualTo(GUARDED.size());

        String action = "/api/v1/sessions/" + sessionId("carol", "x") + "/actions/hibernate";
        assertThat(post(action, null, "application/json").statusCode()).isEqualTo(401);
        assertThat(post(action, readToken, "application/json").statusCode()).as("read scope").isEqualTo(403);
        assertThat(post(action, writeToken, null).statusCode()).as("not JSON (CSRF guard)").isEqualTo(415);
        assertThat(post(action, writeToken, "application/json").statusCode()).as("no such session").isEqualTo(422);

        // rotation: the file is re-read, the old write token stops working at once
        String rotated = "w2-" + hex8() + hex8();
        Files.writeString(writeFile, rotated);
        assertThat(get("/api/v1/agent", writeToken).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/agent", rotated).statusCode()).isEqualTo(200);

        assertThat(String.join("\n", agent.allLogLines())).doesNotContain(readToken).doesNotContain(writeToken)
                .doesNotContain(rotated);
    }

    @Test
    void sessionsAndAgentDescribeWhatRunsWithCpuAndMemoryInUse() throws Exception {
        start();
        String id = sessionId("alice", "vnc-echo");
        startSession(id);

        JsonNode session = Awaitility.await("CPU and memory in use").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> sessionOf(json("/api/v1/sessions"), id), s -> s != null
                        && !s.get("cpu_used_cores").isNull() && s.get("memory_used_bytes").asLong() > 0);
        JsonNode list = json("/api/v1/sessions");
        assertThat(list.get("source").asText()).isEqualTo(sidecarMode() ? "sidecar" : "engine");
        assertThat(list.get("unavailable").isNull()).isTrue();
        assertThat(session.properties()).extracting(Map.Entry::getKey).containsExactly("session_id", "user",
                "template", "state", "container", "container_id", "container_status", "image",
                "cpu_requested_millicores", "cpu_used_cores", "memory_requested_bytes", "memory_used_bytes", "ports",
                "started_at", "age_seconds", "last_activity", "operation", "history");
        assertThat(session.get("user").asText()).isEqualTo("alice");
        assertThat(session.get("template").asText()).isEqualTo("vnc-echo");
        assertThat(session.get("state").asText()).isEqualTo("running");
        assertThat(session.get("container").asText()).isEqualTo("streamspace-" + id);
        assertThat(session.get("container_status").asText()).isEqualTo("running");
        assertThat(session.get("image").asText()).isEqualTo(VNC_IMAGE);
        assertThat(session.get("cpu_requested_millicores").asLong()).isEqualTo(250);
        assertThat(session.get("memory_requested_bytes").asLong()).isEqualTo(64L * 1024 * 1024);
        assertThat(session.get("memory_used_bytes").asLong()).isLessThan(64L * 1024 * 1024);
        assertThat(session.get("cpu_used_cores").asDouble()).isBetween(0.0, 0.25 + 0.05);
        assertThat(session.get("ports").get("5900").asInt()).isBetween(1, 65535);
        assertThat(session.get("age_seconds").asLong()).isBetween(0L, 120L);
        assertThat(session.get("last_activity").isNull()).isFalse();
        assertThat(session.get("history").get(0).get("state").asText()).isEqualTo("running");

        JsonNode agentView = json("/api/v1/agent");
        assertThat(agentView.get("agent_id").asText()).isEqualTo(agentId);
        assertThat(agentView.get("role").asText()).isEqualTo("agent");
        assertThat(agentView.get("mode").asText()).isEqualTo(sidecarMode() ? "sidecar" : "legacy");
        assertThat(agentView.at("/leadership/state").asText()).isEqualTo("single");
        assertThat(agentView.at("/link/state").asText()).isEqualTo("connected");
        assertThat(agentView.at("/link/last_heartbeat").isNull()).isFalse();
        assertThat(agentView.at("/link/reconnects").asLong()).isZero();
        assertThat(agentView.at("/engine/version").asText()).isEqualTo(dockerOk("version", "-f", "{{.Server.Version}}"));
        assertThat(agentView.at("/engine/api_version").asText()).isEqualTo("1.41");
        assertThat(agentView.at("/engine/via").asText()).isEqualTo(sidecarMode() ? "sidecar" : "docker");
        assertThat(agentView.at("/capacity/sessions/used").asInt()).isEqualTo(1);
        assertThat(agentView.at("/capacity/sessions/limit").asInt()).isEqualTo(100);
        assertThat(agentView.at("/capacity/cpu_millicores/used").asLong()).isEqualTo(250);
        assertThat(agentView.at("/capacity/memory_bytes/used").asLong()).isEqualTo(64L * 1024 * 1024);
        assertThat(agentView.at("/vault/enabled").asBoolean()).isFalse();
        assertThat(agentView.at("/commands/status_panel/start_session/success").asLong()).isEqualTo(1);
        if (sidecarMode()) {
            assertThat(agentView.at("/sidecar/container").asText()).isEqualTo("compose-agent");
        } else {
            assertThat(agentView.get("sidecar").isNull()).isTrue();
        }
    }

    @Test
    void theEventStreamDeliversCommandsAndStateChangesAndReplaysWhatAReconnectingClientMissed() throws Exception {
        start();
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(uri("/api/v1/events"))
                .header("Authorization", "Bearer " + readToken).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // closed by the test
            }
        });
        String id = sessionId("dave", "vnc-echo");
        startSession(id);
        awaitCompleted(send("hibernate_session", sessionPayload(id)));

        Awaitility.await("the events").atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() ->
                lines.stream().anyMatch(l -> l.contains("\"type\":\"command_received\"") && l.contains(id))
                        && lines.stream().anyMatch(l -> l.contains("\"type\":\"session_state\"")
                        && l.contains("\"state\":\"running\""))
                        && lines.stream().anyMatch(l -> l.contains("\"type\":\"session_state\"")
                        && l.contains("\"state\":\"hibernated\""))
                        && lines.stream().anyMatch(l -> l.contains("\"type\":\"command_answered\"")
                        && l.contains("\"action\":\"hibernate_session\"") && l.contains("\"outcome\":\"success\"")));
        assertThat(lines).contains("retry: 3000");
        List<String> ids = lines.stream().filter(l -> l.startsWith("id: ")).toList();
        assertThat(ids).isNotEmpty();
        stream.body().close();
        reader.join(Duration.ofSeconds(10));

        // a reconnecting browser sends Last-Event-ID and gets only what came after it
        long firstId = Long.parseLong(ids.get(0).substring(4));
        HttpResponse<InputStream> again = http.send(HttpRequest.newBuilder(uri("/api/v1/events"))
                .header("Authorization", "Bearer " + readToken).header("Last-Event-ID", String.valueOf(firstId))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(again.body(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("id: "));
            assertThat(line).isEqualTo("id: " + (firstId + 1));
        }
    }

    @Test
    void metricsCarryTheJvmAndProcessMetersBesideTheAgentsOwn() throws Exception {
        start();
        awaitCompleted(send("stop_session", sessionPayload(sessionId("erin", "x"))));
        String metrics = Awaitility.await().atMost(WAIT).until(() -> get("/metrics", readToken).body(),
                m -> m.contains("agent_commands_total{action=\"stop_session\""));
        assertThat(metrics).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpu_count", "process_uptime_seconds",
                "process_files_open_files", "agent_host_memory_total_bytes", "agent_status_event_clients");
    }

    @Test
    void theComposeAgentRoleServesThePanelApiForTheSessionsItRuns() throws Exception {
        Path token = TempFiles.withText("compose-agent", ".token", "e2e-" + hex8() + hex8());
        ownSidecar = io.streamspace.agent.bootstrap.ComposeAgentRole.start(io.streamspace.agent.bootstrap
                .ComposeAgentRole.resolve(Map.of(Setting.LISTEN, "127.0.0.1:0", Setting.ALLOWED_AGENTS, agentId,
                        Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString(), Setting.STATUS_PORT, "0",
                        Setting.STATUS_TOKEN, readToken, Setting.DOCKER_HOST, dockerHost()), Map.of()));
        startAgent(Map.of(Setting.COMPOSE_AGENT_ENABLED, "true", Setting.COMPOSE_AGENT_URL, "http://127.0.0.1:"
                + ownSidecar.port(), Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString()));
        String id = sessionId("frank", "vnc-echo");
        startSession(id);
        URI sidecarStatus = URI.create("http://127.0.0.1:" + ownSidecar.statusPort().orElseThrow());

        assertThat(http.send(HttpRequest.newBuilder(sidecarStatus.resolve("/api/v1/sessions")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        JsonNode session = Awaitility.await("the sidecar lists the session with its memory in use").atMost(WAIT)
                .pollInterval(Duration.ofMillis(500)).until(() -> sessionOf(JSON.readTree(http.send(HttpRequest
                        .newBuilder(sidecarStatus.resolve("/api/v1/sessions")).header("Authorization", "Bearer "
                                + readToken).build(), HttpResponse.BodyHandlers.ofString()).body()), id),
                        s -> s != null && s.get("memory_used_bytes").asLong() > 0);
        assertThat(session.get("user").asText()).isEqualTo("alice");
        assertThat(session.get("container_status").asText()).isEqualTo("running");
        JsonNode sidecarAgent = JSON.readTree(http.send(HttpRequest.newBuilder(sidecarStatus.resolve("/api/v1/agent"))
                .header("Authorization", "Bearer " + readToken).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(sidecarAgent.get("role").asText()).isEqualTo("compose_agent");
        assertThat(sidecarAgent.at("/leadership/state").asText()).isEqualTo("none");
        assertThat(sidecarAgent.at("/engine/via").asText()).isEqualTo("docker");
        // the engine of this mode (Podman's in the Podman run), where the cleanup by label finds the session
        assertThat(sidecarAgent.at("/engine/version").asText())
                .isEqualTo(dockerOk("version", "-f", "{{.Server.Version}}"));
        assertThat(dockerOk("ps", "-q", "--filter", "name=streamspace-" + id)).isNotEmpty();
        assertThat(sidecarAgent.at("/commands/compose_agent/create_and_start/success").asLong()).isEqualTo(1);
    }

    @Test
    void theReadTokenCanComeFromVault() throws Exception {
        try (io.streamspace.agent.testkit.vault.VaultKv2TestServer vault =
                     io.streamspace.agent.testkit.vault.VaultKv2TestServer.start()) {
            vault.addToken("vault-root", Duration.ofHours(1));
            vault.putSecret("secret/agent/h1/status_panel_token", Map.of("token", "agent-token"));
            String token = "vault-read-" + hex8() + hex8();
            vault.putSecret("secret/agent/h1/panel_read", Map.of("token", token));
            startAgent(Map.of(Setting.VAULT_ADDRESS, vault.address().toString(), Setting.VAULT_TOKEN, "vault-root",
                    Setting.VAULT_PATH_PREFIX, "secret/agent", Setting.DEPLOYMENT_HASH, "h1",
                    Setting.STATUS_TOKEN_VAULT_KEY, "panel_read"));
            assertThat(get("/api/v1/agent", null).statusCode()).isEqualTo(401);
            assertThat(get("/api/v1/agent", "vault-read-wrong").statusCode()).isEqualTo(401);
            assertThat(get("/api/v1/agent", token).statusCode()).isEqualTo(200);
            assertThat(String.join("\n", agent.allLogLines())).doesNotContain(token);
        }
    }

    private static JsonNode sessionOf(JsonNode list, String id) {
        for (JsonNode s : list.get("sessions")) {
            if (s.get("session_id").asText().equals(id)) {
                return s;
            }
        }
        return null;
    }

    private static double counter(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l ->
                Double.parseDouble(l.substring(series.length() + 1))).findFirst().orElse(0);
    }

    /** A streamed response reduced to its status and headers. */
    private record StatusOnly(HttpResponse<InputStream> r) implements HttpResponse<String> {
        public int statusCode() { return r.statusCode(); }
        public HttpRequest request() { return r.request(); }
        public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
        public java.net.http.HttpHeaders headers() { return r.headers(); }
        public String body() { return ""; }
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return r.sslSession(); }
        public URI uri() { return r.uri(); }
        public HttpClient.Version version() { return r.version(); }
    }
}
