package io.streamspace.agent.bootstrap.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.adapter.mcp.McpHttpServer;
import io.streamspace.agent.bootstrap.ComposeAgentRole;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.vault.VaultKv2TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The MCP bearer token read from Vault ({@code mcp_token} beside {@code compose_agent_token}), no file, no flag. */
class McpVaultTokenIT {

    @Test
    void theGatewayAcceptsTheTokenVaultHoldsAndNothingElse() throws Exception {
        String mcpToken = "mcp-" + UUID.randomUUID();
        try (VaultKv2TestServer vault = VaultKv2TestServer.start()) {
            vault.addToken("vault-root", Duration.ofHours(1));
            vault.putSecret("secret/agent/h1/compose_agent_token", Map.of("token", "compose-" + UUID.randomUUID()));
            vault.putSecret("secret/agent/h1/mcp_token", Map.of("token", mcpToken));
            try (ComposeAgentRole.Running sidecar = ComposeAgentRole.start(ComposeAgentRole.resolve(Map.of(
                    Setting.LISTEN, "127.0.0.1:0", Setting.ALLOWED_AGENTS, "mcp-vault-" + UUID.randomUUID(),
                    Setting.MCP_LISTEN, "127.0.0.1:0"), Map.of("VAULT_ADDRESS", vault.address().toString(),
                    "VAULT_TOKEN", "vault-root", "VAULT_AGENT_PATH_PREFIX", "secret/agent",
                    "DEPLOYMENT_HASH", "h1")))) {
                URI endpoint = URI.create("http://127.0.0.1:" + sidecar.mcp().orElseThrow().port()
                        + McpHttpServer.ENDPOINT);
                assertThat(initialize(endpoint, mcpToken)).as("Vault's mcp_token").isEqualTo(200);
                assertThat(initialize(endpoint, "compose-token")).as("another token").isEqualTo(401);
                assertThat(initialize(endpoint, null)).as("no token").isEqualTo(401);
            }
        }
    }

    private static int initialize(URI endpoint, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }
}
