package io.streamspace.agent.bootstrap.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.streamspace.agent.bootstrap.AgentJarProcess;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway over stdio: {@code java -jar docker-agent.jar mcp} started by the SDK's own stdio client transport, as
 * an assistant starts it; plus what only stdio has: standard output carries JSON-RPC and nothing else, and the
 * process ends when the client closes its stdin.
 */
class McpStdioGatewayIT extends McpGatewaySuite {

    private static final Pattern STATUS = Pattern.compile("status API on http://127\\.0\\.0\\.1:(\\d+)");

    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private McpSyncClient client;
    private ProcessHandle server;

    @BeforeAll
    void startTheGatewayProcess() {
        client = connect(ALL_DESTRUCTIVE, stderr);
        server = gatewayProcess();
    }

    @AfterAll
    void stopIt() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            Awaitility.await("the gateway process ends once its client is gone").atMost(Duration.ofSeconds(30))
                    .until(() -> !server.isAlive());
        }
    }

    private McpSyncClient connect(String allowTools, List<String> errors) {
        List<String> args = new ArrayList<>(List.of("-jar", AgentJarProcess.JAR.toAbsolutePath().toString(), "mcp",
                "--agent-id", agentId, "--status-port", "0"));
        if (allowTools != null) {
            args.add("--mcp-allow-tools");
            args.add(allowTools);
        }
        ServerParameters parameters = ServerParameters.builder(ProcessHandle.current().info().command()
                .orElse("java")).args(args).build();
        StdioClientTransport transport = new StdioClientTransport(parameters,
                new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper()));
        transport.setStdErrorHandler(errors::add);
        McpSyncClient c = McpClient.sync(new SerialSendClientTransport(transport)).requestTimeout(Duration.ofMinutes(2))
                .initializationTimeout(Duration.ofMinutes(1)).build();
        c.initialize();
        return c;
    }

    /** The jar process serving this class's agent id with every destructive tool allowed. */
    private ProcessHandle gatewayProcess() {
        return ProcessHandle.current().children().filter(p -> p.info().arguments()
                .map(a -> List.of(a).contains(agentId) && List.of(a).contains(ALL_DESTRUCTIVE)).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no gateway process found among the children"));
    }

    @Override
    McpSyncClient client() {
        return client;
    }

    @Override
    Restricted defaultPolicyClient() {
        McpSyncClient restricted = connect(null, new CopyOnWriteArrayList<>());
        return new Restricted(restricted, () -> { });
    }

    @Override
    URI statusApi() {
        String port = Awaitility.await("the status port on stderr").atMost(Duration.ofSeconds(30))
                .until(() -> stderr.stream().map(STATUS::matcher).filter(Matcher::find).map(m -> m.group(1))
                        .findFirst().orElse(null), p -> p != null);
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    Usage usage() throws Exception {
        return usageOf(server, 0);
    }

    // --- stdio only ------------------------------------------------------------------------------------------

    @Test
    void standardOutputCarriesJsonRpcOnlyAndTheProcessEndsWithItsClient() throws Exception {
        try (AgentJarProcess jar = AgentJarProcess.start(Map.of(), "mcp", "--agent-id", agentId)) {
            OutputStream stdin = jar.process().getOutputStream();
            String requests = String.join("\n",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"container_logs\","
                            + "\"arguments\":{\"container\":\"" + sessionContainer + "\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"container_stop\","
                            + "\"arguments\":{\"container\":\"" + worker + "\"}}}",
                    "this line is not JSON",
                    "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"container_inspect\","
                            + "\"arguments\":{\"container\":7}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"engine_info\","
                            + "\"arguments\":\"oops\"}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"engine_info\","
                            + "\"arguments\":{}}}") + "\n";
            stdin.write(requests.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            // a garbage line is answered with a parse error and the session goes on
            Awaitility.await("eight answers on stdout").atMost(Duration.ofSeconds(60)).pollInSameThread()
                    .until(() -> jar.out().size() >= 8);
            for (String line : jar.out()) {
                JsonNode message = json.readTree(line);
                assertThat(message.path("jsonrpc").asText()).as(line).isEqualTo("2.0");
            }
            assertThat(String.join("\n", jar.out())).doesNotContain(secretToken).contains("[REDACTED:API_TOKEN]")
                    .contains("\"code\":-32001").contains("\"code\":-32602").contains("\"code\":-32700")
                    .contains("arguments must be a JSON object").contains("\"server_version\"");
            Awaitility.await("the audit lines on stderr").atMost(Duration.ofSeconds(10)).pollInSameThread()
                    .until(() -> jar.err().stream().filter(l -> l.contains("[McpAudit]")).count() >= 3);
            assertThat(String.join("\n", jar.err())).contains("tool=container_logs transport=stdio"
                    + " args={container:string} outcome=ok").contains("outcome=refused").contains("outcome=invalid")
                    .doesNotContain(sessionContainer + "\"").doesNotContain(secretToken);
            stdin.close();
            assertThat(jar.exitCode(Duration.ofSeconds(30))).as("exit code after the client closed stdin").isZero();
        }
    }
}
