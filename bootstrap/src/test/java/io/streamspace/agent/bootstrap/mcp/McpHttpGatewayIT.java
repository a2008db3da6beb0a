package io.streamspace.agent.bootstrap.mcp;

import io.streamspace.agent.testkit.files.TempFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.streamspace.agent.adapter.mcp.McpHttpServer;
import io.streamspace.agent.bootstrap.AgentJarProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway over Streamable HTTP in the compose-agent role ({@code java -jar docker-agent.jar compose-agent
 * --mcp-listen ...}), with the SDK's HTTP client; plus what only HTTP has: the bearer token, its rotation, and the Host and Origin checks.
 */
class McpHttpGatewayIT extends McpGatewaySuite {

    private static final Pattern MCP_PORT = Pattern.compile("Streamable HTTP on http://127\\.0\\.0\\.1:(\\d+)/mcp");
    private static final Pattern STATUS_PORT = Pattern.compile("status API on http://127\\.0\\.0\\.1:(\\d+)");
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";

    private Path tokenFile;
    private String token;
    private Gateway gateway;
    private McpSyncClient client;

    /** A compose-agent process serving the gateway on Streamable HTTP. */
    private record Gateway(AgentJarProcess process, int mcpPort, int statusPort) implements AutoCloseable {
        @Override
        public void close() {
            process.close();
        }
    }

    @BeforeAll
    void startTheComposeAgentWithTheGateway() throws Exception {
        token = "mcp-" + UUID.randomUUID();
        tokenFile = TempFiles.withText("mcp-token-", ".txt", token + "\n");
        gateway = start(ALL_DESTRUCTIVE);
        client = connect(gateway, token);
    }

    @AfterAll
    void stopIt() throws Exception {
        if (client != null) {
            client.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        Files.deleteIfExists(tokenFile);
    }

    private Gateway start(String allowTools) throws Exception {
        Path sidecarToken = TempFiles.withText("compose-agent-token-", ".txt", "sidecar-" + UUID.randomUUID());
        List<String> args = new ArrayList<>(List.of("compose-agent", "--listen", "127.0.0.1:0", "--allowed-agents",
                agentId, "--compose-agent-token-file", sidecarToken.toString(), "--status-port", "0",
                "--mcp-listen", "127.0.0.1:0", "--mcp-token-file", tokenFile.toString()));
        if (allowTools != null) {
            args.add("--mcp-allow-tools");
            args.add(allowTools);
        }
        AgentJarProcess process = AgentJarProcess.builder().name("mcp-http").args(args.toArray(String[]::new))
                .start();
        try {
            Matcher mcp = MCP_PORT.matcher(process.awaitOutput(MCP_PORT, Duration.ofSeconds(60)));
            Matcher status = STATUS_PORT.matcher(process.awaitOutput(STATUS_PORT, Duration.ofSeconds(60)));
            assertThat(mcp.find() && status.find()).isTrue();
            return new Gateway(process, Integer.parseInt(mcp.group(1)), Integer.parseInt(status.group(1)));
        } catch (RuntimeException | Error e) {
            process.close();
            throw e;
        }
    }

    private static McpSyncClient connect(Gateway gateway, String bearer) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + gateway.mcpPort())
                .endpoint(McpHttpServer.ENDPOINT)
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + bearer))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofMinutes(2)).build();
        client.initialize();
        return client;
    }

    @Override
    McpSyncClient client() {
        return client;
    }

    @Override
    Restricted defaultPolicyClient() throws Exception {
        Gateway restricted = start(null);
        try {
            return new Restricted(connect(restricted, token), restricted);
        } catch (RuntimeException e) {
            restricted.close();
            throw e;
        }
    }

    @Override
    URI statusApi() {
        return URI.create("http://127.0.0.1:" + gateway.statusPort());
    }

    @Override
    Usage usage() throws Exception {
        return usageOf(gateway.process().process().toHandle(), gateway.mcpPort());
    }

    // --- HTTP only: authentication and DNS-rebinding checks --------------------------------------------------

    @Test
    void requestsWithoutTheRightBearerTokenAreRefused() throws Exception {
        assertThat(post(null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = post("Bearer wrong-" + token, null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        assertThat(wrong.body()).contains("invalid bearer token").doesNotContain(token);
        assertThat(post("Basic " + token, null).statusCode()).isEqualTo(401);
        assertThat(post("Bearer " + token, null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> connect(gateway, "wrong")).as("the SDK client cannot initialize").isNotNull();
    }

    @Test
    void aForeignOriginAndAForeignHostAreRefusedEvenWithTheToken() throws Exception {
        HttpResponse<String> evil = post("Bearer " + token, "http://evil.example");
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.body()).contains("Origin not allowed");
        int port = gateway.mcpPort();
        assertThat(post("Bearer " + token, "http://127.0.0.1:" + port).statusCode()).as("own origin").isEqualTo(200);
        assertThat(post("Bearer " + token, "http://127.0.0.1:" + (port == 1 ? 2 : port - 1)).statusCode())
                .as("another local port's page").isEqualTo(403);

        // a DNS-rebound name resolves to 127.0.0.1, but the Host header still names it
        try (Socket socket = new Socket("127.0.0.1", port)) {
            byte[] body = INITIALIZE.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mcp HTTP/1.1\r\nHost: rebound.evil.example:" + port + "\r\nAuthorization: Bearer "
                    + token + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(status).startsWith("HTTP/1.1 403");
        }
    }

    @Test
    void aMalformedBodyGetsAJsonRpcErrorWithoutAStackTrace() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.mcpPort()
                        + McpHttpServer.ENDPOINT))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("this is not JSON")).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600")
                    .doesNotContain("stackTrace", "className", "lineNumber");
        }
    }

    @Test
    void aRotatedTokenFileAppliesWithoutARestart() throws Exception {
        String rotated = "mcp-rotated-" + UUID.randomUUID();
        Files.writeString(tokenFile, rotated);
        try {
            assertThat(post("Bearer " + token, null).statusCode()).as("old token").isEqualTo(401);
            assertThat(post("Bearer " + rotated, null).statusCode()).as("new token").isEqualTo(200);
        } finally {
            Files.writeString(tokenFile, token);
        }
    }

    private HttpResponse<String> post(String authorization, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.mcpPort()
                + McpHttpServer.ENDPOINT))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
