package io.streamspace.agent.bootstrap.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.streamspace.agent.adapter.mcp.McpHttpServer;
import io.streamspace.agent.bootstrap.AgentJarProcess;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.StartSessionPayloads;
import io.streamspace.agent.testkit.files.TempFiles;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway's session tools through a running session agent, end to end on the real engine: the control-plane
 * simulator, a session agent jar with its status panel (read and write tokens) and a real session, and gateways
 * pointed at the agent's panel: {@code docker-agent mcp} on stdio and the compose-agent on Streamable HTTP. A
 * hibernate and a wake through MCP are the agent's own: the simulator records its {@code status} messages
 * (hibernated, running) and never {@code failed}; a wrong or missing write token is a clear MCP error, and the read
 * tools then fall back to the engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpSessionAgentIT {

    private static final String KEY = "a".repeat(32) + "0123456789abcdef0123456789abcdef";
    private static final String IMAGE = "streamspace-test/vnc-echo:latest";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern STATUS_PORT = Pattern.compile("Status API listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern MCP_PORT = Pattern.compile("Streamable HTTP on http://127\\.0\\.0\\.1:(\\d+)/mcp");

    private final String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final String agentId = "mcp-agent-" + run;
    private final String sessionId = "alice-vnc-echo-" + run;
    private final String readToken = "read-" + run + run;
    private final String writeToken = "write-" + run + run + run;
    private ControlPlaneSimulator controlPlane;
    private AgentJarProcess agent;
    private String panelUrl;
    private Path writeTokenFile;
    private Path outbox;
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();

    @BeforeAll
    void startTheAgentAndASession() throws Exception {
        controlPlane = ControlPlaneSimulator.builder().port(0).agent(agentId, KEY).start();
        writeTokenFile = TempFiles.withText("status-write-", ".token", writeToken + "\n");
        outbox = TempFiles.directory("outbox");
        agent = AgentJarProcess.builder().name("session-agent").env(Map.of("API_KEY", KEY)).args("run",
                "--agent-id", agentId, "--control-plane-url", controlPlane.webSocketBaseUrl().toString(),
                "--network", "sst-mcp-agent-" + run, "--outbox-dir", outbox.toString(),
                "--heartbeat-interval", "1", "--status-port", "0", "--status-token", readToken,
                "--status-write-token-file", writeTokenFile.toString()).start();
        Matcher port = STATUS_PORT.matcher(agent.awaitOutput(STATUS_PORT, WAIT));
        assertThat(port.find()).isTrue();
        panelUrl = "http://127.0.0.1:" + port.group(1);
        controlPlane.awaitConnected(agentId, WAIT);
        String command = controlPlane.sendCommand(agentId, "start_session",
                StartSessionPayloads.vncEcho(sessionId, IMAGE));
        controlPlane.awaitCommandStatus(command, CommandState.Status.COMPLETED, WAIT);
        controlPlane.awaitSessionState(sessionId, "running", WAIT);
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (AutoCloseable c : closeAtEnd.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
        }
        try {
            if (agent != null) {
                System.out.println("session agent output:\n" + agent.all());
                agent.close();
            }
        } finally {
            if (controlPlane != null) {
                controlPlane.close();
            }
            removeByAgentLabel();
            Files.deleteIfExists(writeTokenFile);
            TempFiles.delete(outbox);
        }
    }

    @Test
    void hibernateAndWakeOverStdioAreTheAgentsOwnAndReachTheControlPlane() throws Exception {
        Path gatewayToken = TempFiles.withText("gateway-token-", ".token", writeToken);
        McpSyncClient client = stdio("--mcp-session-agent-token-file", gatewayToken.toString());

        hibernateAndWake(client);
    }

    @Test
    void hibernateAndWakeOverStreamableHttpInTheComposeAgentRoleAreTheAgentsOwn() throws Exception {
        Path mcpToken = TempFiles.withText("mcp-token-", ".token", "mcp-" + run);
        Path sidecarToken = TempFiles.withText("sidecar-token-", ".token", "sidecar-" + run);
        AgentJarProcess gateway = AgentJarProcess.builder().name("compose-agent-mcp")
                .env(Map.of("MCP_SESSION_AGENT_TOKEN", writeToken)).args("compose-agent",
                        "--listen", "127.0.0.1:0", "--allowed-agents", agentId,
                        "--compose-agent-token-file", sidecarToken.toString(), "--mcp-listen", "127.0.0.1:0",
                        "--mcp-token-file", mcpToken.toString(), "--mcp-allow-tools", "session_hibernate",
                        "--mcp-session-agent-url", panelUrl).start();
        closeAtEnd.add(gateway);
        Matcher port = MCP_PORT.matcher(gateway.awaitOutput(MCP_PORT, WAIT));
        assertThat(port.find()).isTrue();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + port.group(1)).endpoint(McpHttpServer.ENDPOINT)
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer mcp-" + run)).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofMinutes(5)).build();
        closeAtEnd.add(client::close);
        client.initialize();

        hibernateAndWake(client);
        assertThat(gateway.all()).doesNotContain(writeToken);
    }

    @Test
    void aWrongOrMissingWriteTokenIsAClearMcpErrorAndReadsFallBackToTheEngineUntilTheTokenIsFixed()
            throws Exception {
        Path gatewayToken = TempFiles.withText("gateway-token-", ".token", "wrong-" + run);
        McpSyncClient wrong = stdio("--mcp-session-agent-token-file", gatewayToken.toString());

        McpError refused = McpGatewaySuite.mcpError(wrong, "session_hibernate", Map.of("session_id", sessionId));
        assertThat(refused.getJsonRpcError().code()).isEqualTo(-32001);
        assertThat(refused.getMessage()).contains(panelUrl, "refused the token (401)",
                "MCP_SESSION_AGENT_TOKEN_FILE").doesNotContain("wrong-" + run);
        Map<String, Object> listed = ok(wrong, "session_list", Map.of());
        assertThat(listed.get("source")).isEqualTo("engine");
        assertThat(listed.get("agent_unavailable").toString()).contains("refused the token");
        assertThat(listed.get("sessions").toString()).contains(sessionId);

        // the agent's read token lists, but may not act
        Files.writeString(gatewayToken, readToken);
        assertThat(ok(wrong, "session_list", Map.of()).get("source")).as("the file is re-read").isEqualTo("agent");
        McpError readOnly = McpGatewaySuite.mcpError(wrong, "session_wake", Map.of("session_id", sessionId));
        assertThat(readOnly.getMessage()).contains("403", "no write scope", "MCP_SESSION_AGENT_TOKEN_FILE");

        McpSyncClient missing = stdio();
        McpError none = McpGatewaySuite.mcpError(missing, "session_hibernate", Map.of("session_id", sessionId));
        assertThat(none.getJsonRpcError().code()).isEqualTo(-32001);
        assertThat(none.getMessage()).contains("needs a token (401) and none is configured",
                "--mcp-session-agent-token-file");
        assertThat(ok(missing, "session_inspect", Map.of("session_id", sessionId)).get("note").toString())
                .contains("needs a token");

        assertThat(controlPlane.sessionState(sessionId).state()).as("nothing changed").isEqualTo("running");
        assertThat(statusesOfTheSession()).doesNotContain("failed");
    }

    /** Hibernate and wake through {@code client}; the simulator hears the agent's statuses, never failed. */
    private void hibernateAndWake(McpSyncClient client) throws Exception {
        Map<String, Object> listed = ok(client, "session_list", Map.of());
        assertThat(listed.get("source")).as("the agent's own view").isEqualTo("agent");
        assertThat(listed.get("sessions").toString()).contains("session_id=" + sessionId, "state=running",
                "agent_id=" + agentId);
        int before = statusesOfTheSession().size();

        Map<String, Object> hibernated = ok(client, "session_hibernate", Map.of("session_id", sessionId));
        assertThat(((Map<?, ?>) hibernated.get("result")).get("state")).isEqualTo("hibernated");
        assertThat(hibernated.get("via").toString()).contains(agentId, panelUrl);
        assertThat(hibernated.get("status_reports").toString()).contains("status hibernated");
        controlPlane.awaitSessionState(sessionId, "hibernated", WAIT);
        assertThat(ok(client, "session_inspect", Map.of("session_id", sessionId)).get("state"))
                .isEqualTo("hibernated");

        Map<String, Object> woken = ok(client, "session_wake", Map.of("session_id", sessionId));
        assertThat(((Map<?, ?>) woken.get("result")).get("state")).isEqualTo("running");
        assertThat(woken.get("status_reports").toString()).contains("status running");
        controlPlane.awaitSessionState(sessionId, "running", WAIT);

        List<String> statuses = statusesOfTheSession();
        assertThat(statuses.subList(before, statuses.size())).as("the agent's reports to its control plane")
                .containsExactly("hibernated", "running");
        assertThat(statuses).doesNotContain("failed");
        assertThat(agent.all()).doesNotContain("outside the agent").doesNotContain(writeToken);
    }

    private List<String> statusesOfTheSession() {
        return controlPlane.sessionStatuses(agentId, sessionId).stream().map(m -> m.payloadText("state")).toList();
    }

    /** A stdio gateway for this agent id pointed at the agent's panel, with these extra arguments. */
    private McpSyncClient stdio(String... extra) {
        List<String> args = new ArrayList<>(List.of("-jar", AgentJarProcess.JAR.toAbsolutePath().toString(), "mcp",
                "--agent-id", agentId, "--mcp-allow-tools", "session_hibernate",
                "--mcp-session-agent-url", panelUrl));
        args.addAll(List.of(extra));
        StdioClientTransport transport = new StdioClientTransport(ServerParameters.builder(ProcessHandle.current()
                .info().command().orElse("java")).args(args).build(),
                new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper()));
        List<String> stderr = new CopyOnWriteArrayList<>();
        transport.setStdErrorHandler(stderr::add);
        McpSyncClient client = McpClient.sync(new SerialSendClientTransport(transport))
                .requestTimeout(Duration.ofMinutes(5)).initializationTimeout(Duration.ofMinutes(1)).build();
        closeAtEnd.add(() -> {
            client.close();
            assertThat(String.join("\n", stderr)).doesNotContain(writeToken).doesNotContain(readToken);
        });
        client.initialize();
        return client;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> ok(McpSyncClient client, String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
        assertThat(result.isError()).as(tool + " " + result.content()).isFalse();
        return (Map<String, Object>) result.structuredContent();
    }

    /** Removes the containers, volumes and network labelled with this run's agent id; nothing else. */
    private void removeByAgentLabel() throws IOException, InterruptedException {
        String filter = "label=streamspace.agent.id=" + agentId;
        for (String id : docker("ps", "-aq", "--filter", filter)) {
            docker("rm", "-f", "-v", id);
        }
        for (String volume : docker("volume", "ls", "-q", "--filter", filter)) {
            docker("volume", "rm", "-f", volume);
        }
        for (String network : docker("network", "ls", "-q", "--filter", filter)) {
            docker("network", "rm", network);
        }
    }

    private static List<String> docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes()).strip();
        process.waitFor(60, TimeUnit.SECONDS);
        return out.isEmpty() ? List.of() : List.of(out.split("\\R"));
    }
}
