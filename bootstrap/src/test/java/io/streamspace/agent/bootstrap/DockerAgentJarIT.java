package io.streamspace.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.files.TempFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The shaded jar, run as an operator runs it: a separate JVM, flags, environment and exit codes. */
class DockerAgentJarIT {

    private static final String KEY = "d".repeat(32) + "e".repeat(32);
    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final Duration OUTPUT = Duration.ofSeconds(30);

    private static AgentJarProcess finished(Map<String, String> env, String... args) throws Exception {
        AgentJarProcess agent = AgentJarProcess.start(env, args);
        agent.waitFor(EXIT);
        // let the pumps drain the closed pipes
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !agent.isAlive());
        return agent;
    }

    @Test
    void helpListsEveryRoleAndEverySeedSettingWithoutSecrets() throws Exception {
        try (AgentJarProcess top = finished(Map.of("API_KEY", KEY), "--help");
             AgentJarProcess run = finished(Map.of("API_KEY", KEY, "REDIS_URL", "redis://u:hunter2@h:1/0"), "run", "--help");
             AgentJarProcess sidecar = finished(Map.of("COMPOSE_AGENT_TOKEN", "hunter3"), "compose-agent", "--help")) {
            assertThat(top.exitCode(EXIT)).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> top.all().contains("version"));
            assertThat(top.all()).contains("run", "compose-agent", "dev", "version");
            assertThat(run.exitCode(EXIT)).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> run.all().contains("--volume-driver"));
            for (Setting setting : Setting.values()) {
                if (Setting.COMPOSE_AGENT_ROLE_ONLY.contains(setting) || Setting.SOCKET_PROXY_ROLE_ONLY.contains(setting)) {
                    assertThat(run.all()).doesNotContain(setting.flag());
                    continue;
                }
                assertThat(run.all()).contains(setting.flag());
                setting.environment().forEach(env -> assertThat(run.all()).contains(env));
            }
            assertThat(run.all()).doesNotContain(KEY).doesNotContain("hunter2");
            assertThat(sidecar.exitCode(EXIT)).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sidecar.all().contains("--listen"));
            for (Setting setting : Setting.COMPOSE_AGENT_ROLE) {
                assertThat(sidecar.all()).contains(setting.flag());
                setting.environment().forEach(env -> assertThat(sidecar.all()).contains(env));
            }
            assertThat(sidecar.all()).doesNotContain("hunter3").doesNotContain("--api-key");
        }
        try (AgentJarProcess mcp = finished(Map.of("MCP_TOKEN", "hunter4"), "mcp", "--help")) {
            assertThat(mcp.exitCode(EXIT)).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> mcp.all().contains("--mcp-allow-tools"));
            for (Setting setting : Setting.MCP_STDIO) {
                assertThat(mcp.all()).contains(setting.flag());
            }
            assertThat(mcp.all()).doesNotContain("hunter4").doesNotContain("--api-key");
        }
    }

    @Test
    void versionPrintsTheBuildVersion() throws Exception {
        try (AgentJarProcess version = finished(Map.of(), "version")) {
            assertThat(version.exitCode(EXIT)).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !version.out().isEmpty());
            assertThat(version.out().get(0)).startsWith("docker-agent ").doesNotContain("unknown");
        }
    }

    @Test
    void invalidConfigurationExitsWithCodeTwoAndOneLinePerProblem() throws Exception {
        try (AgentJarProcess agent = finished(Map.of("API_KEY", "not-a-key", "CONTROL_PLANE_URL", "https://cp.example.com"),
                "--agent-id", "bad;id", "--max-sessions", "0", "--leader-election-backend", "redis")) {
            assertThat(agent.exitCode(EXIT)).isEqualTo(2);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> agent.err().size() >= 5);
            List<String> problems = agent.err().stream().filter(l -> l.startsWith("configuration error: ")).toList();
            assertThat(problems).hasSize(5);
            assertThat(String.join("\n", problems)).contains("agent id 'bad;id'", "ws:// or wss://",
                    "64 hexadecimal characters", "--max-sessions", "no Redis URL").doesNotContain("not-a-key");
        }
    }

    @Test
    void aStatusApiOnANonLoopbackAddressWithoutATokenIsRefusedInOneLine() throws Exception {
        try (AgentJarProcess agent = finished(Map.of("API_KEY", "ab".repeat(32), "CONTROL_PLANE_URL",
                "ws://127.0.0.1:9"), "--agent-id", "jar-status-refusal", "--status-address", "0.0.0.0")) {
            assertThat(agent.exitCode(EXIT)).isEqualTo(2);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !agent.err().isEmpty());
            assertThat(agent.err().stream().filter(l -> l.startsWith("configuration error: ")).toList())
                    .singleElement().asString().startsWith("configuration error: refusing to serve the status API"
                            + " on 0.0.0.0 without a token");
        }
    }

    @Test
    void theComposeAgentRoleRefusesToStartWithoutAllowedAgentsAndToken() throws Exception {
        try (AgentJarProcess agent = finished(Map.of(), "compose-agent")) {
            assertThat(agent.exitCode(EXIT)).isEqualTo(2);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> agent.err().size() >= 2);
            assertThat(String.join("\n", agent.err())).contains("--allowed-agents (COMPOSE_AGENT_ALLOWED_AGENTS) is"
                    + " required", "no compose-agent token");
        }
    }

    @Test
    void theMcpGatewayOnStdioRefusesToStartWithoutAnAgentIdOrWithAnUnknownTool() throws Exception {
        try (AgentJarProcess mcp = finished(Map.of(), "mcp", "--mcp-allow-tools", "format_disk", "--mcp-scope",
                "galaxy")) {
            assertThat(mcp.exitCode(EXIT)).isEqualTo(2);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> mcp.err().size() >= 4);
            assertThat(mcp.out()).as("nothing but JSON-RPC may reach stdout").isEmpty();
            assertThat(String.join("\n", mcp.err())).contains("--agent-id (AGENT_ID) is required",
                    "unknown tool 'format_disk'", "must be managed or all");
        }
    }

    @Test
    void theComposeAgentRoleServesTheSignedApiAndStopsOnSigterm(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "jar-token");
        try (AgentJarProcess sidecar = AgentJarProcess.start(Map.of("COMPOSE_AGENT_TOKEN_FILE", token.toString()),
                "compose-agent", "--listen", "127.0.0.1:0", "--allowed-agents", "jar-agent,jar-reader=sessions:read")) {
            String line = sidecar.awaitOutput(Pattern.compile("compose-agent serving the signed local API on"), OUTPUT);
            assertThat(line).contains("control_plane=compose_agent");
            int port = Integer.parseInt(line.replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1"));
            URI base = URI.create("http://127.0.0.1:" + port);
            var tokens = (io.streamspace.agent.application.port.out.TokenSource) id -> java.util.Optional.of(
                    "jar-token");
            var runtime = new io.streamspace.agent.adapter.http.sidecar.RemoteSessionRuntime(
                    new io.streamspace.agent.adapter.http.sidecar.SignedSidecarClient(base, "jar-agent", tokens,
                            new com.fasterxml.jackson.databind.ObjectMapper(), java.time.Clock.systemUTC()));
            assertThat(runtime.info().engineVersion()).isNotBlank();

            var reader = new io.streamspace.agent.adapter.http.sidecar.RemoteSessionRuntime(
                    new io.streamspace.agent.adapter.http.sidecar.SignedSidecarClient(base, "jar-reader", tokens,
                            new com.fasterxml.jackson.databind.ObjectMapper(), java.time.Clock.systemUTC()));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.removeVolume("x", Map.of("a", "b")))
                    .hasMessageContaining("403 operation outside scopes");
            var stranger = new io.streamspace.agent.adapter.http.sidecar.RemoteSessionRuntime(
                    new io.streamspace.agent.adapter.http.sidecar.SignedSidecarClient(base, "stranger", tokens,
                            new com.fasterxml.jackson.databind.ObjectMapper(), java.time.Clock.systemUTC()));
            org.assertj.core.api.Assertions.assertThatThrownBy(stranger::info)
                    .hasMessageContaining("401 unknown agent id");

            sidecar.sigterm();
            assertThat(sidecar.exitCode(EXIT)).isEqualTo(143);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sidecar.all().contains("compose-agent stopping"));
        }
    }

    @Test
    void runRegistersHeartbeatsAndStopsGracefullyOnSigterm() throws Exception {
        Path outbox = TempFiles.directory("jar-outbox");
        try (ControlPlaneSimulator controlPlane = ControlPlaneSimulator.builder().port(0).agent("docker-jar-1", KEY).start();
             AgentJarProcess agent = AgentJarProcess.start(Map.of("AGENT_API_KEY", KEY, "HEALTH_CHECK_INTERVAL", "1",
                     "OUTBOX_DIR", outbox.toString()),
                     "--agent-id=docker-jar-1", "--control-plane-url=" + controlPlane.webSocketBaseUrl())) {
            assertThat(agent.awaitOutput(Pattern.compile(
                    "\\[DockerAgent] Registered successfully \\(ID: [0-9a-f-]{36}, Status: online\\)"), OUTPUT))
                    .isNotNull();
            agent.awaitOutput(Pattern.compile("\\[DockerAgent] WebSocket connected"), OUTPUT);
            agent.awaitOutput(Pattern.compile("\\[Heartbeat] Sent heartbeat \\(activeSessions: 0\\)"), OUTPUT);
            assertThat(virtualThreadScheduler(agent.process().pid())).as("one core left to platform threads (ADR 0025)")
                    .contains("parallelism = " + Math.max(1, Runtime.getRuntime().availableProcessors() - 1) + ",");
            controlPlane.awaitMessages("docker-jar-1", m -> "heartbeat".equals(m.type()) && m.accepted(), 2,
                    Duration.ofSeconds(10));
            agent.sigterm(); // the JVM exits with 128+15 after the graceful stop below
            assertThat(agent.exitCode(EXIT)).isEqualTo(143);
            agent.awaitOutput(Pattern.compile("\\[DockerAgent] Agent stopped \\(stopped\\)"), OUTPUT);
            controlPlane.awaitDisconnected("docker-jar-1", Duration.ofSeconds(10));
            assertThat(agent.all()).doesNotContain(KEY);
        } finally {
            TempFiles.delete(outbox);
        }
    }

    @Test
    void devModeStartsAControlPlaneAndTheAgentAndAcceptsCommands() throws Exception {
        Path tmp = TempFiles.directory("dev-mode"); // the dev run's java.io.tmpdir: its outbox goes there
        try (AgentJarProcess dev = AgentJarProcess.builder().jvmOptions("-Djava.io.tmpdir=" + tmp)
                .args("dev", "--port", "0").start()) {
            String banner = dev.awaitOutput(
                    Pattern.compile("control plane \\(simulator\\): (http://127\\.0\\.0\\.1:\\d+)"), OUTPUT);
            Matcher url = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)").matcher(banner);
            assertThat(url.find()).isTrue();
            dev.awaitOutput(Pattern.compile("\\[Heartbeat] Sent heartbeat"), OUTPUT);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> sent = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + "/dev/commands"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"agentId\":\"dev-agent\",\"action\":\"no_such_action\",\"payload\":{}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(sent.statusCode()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> http.send(HttpRequest.newBuilder(
                            URI.create(url.group(1) + "/dev/messages?agentId=dev-agent")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("unknown action 'no_such_action'"));
            assertThat(devOutboxes(tmp)).as("the dev run's temporary outbox").hasSize(1);
            dev.sigterm();
            assertThat(dev.exitCode(EXIT)).isEqualTo(143);
            dev.awaitOutput(Pattern.compile("\\[DockerAgent] Agent stopped"), OUTPUT);
            assertThat(devOutboxes(tmp)).as("removed when the dev run stops").isEmpty();
        } finally {
            TempFiles.delete(tmp);
        }
    }

    /** What {@code jcmd PID Thread.vthread_scheduler} prints: the scheduler's ForkJoinPool with its parallelism. */
    private static String virtualThreadScheduler(long pid) throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "Thread.vthread_scheduler")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("jcmd finished").isTrue();
        return output;
    }

    private static List<Path> devOutboxes(Path tmp) throws IOException {
        try (var entries = Files.list(tmp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("docker-agent-dev-outbox")).toList();
        }
    }
}
