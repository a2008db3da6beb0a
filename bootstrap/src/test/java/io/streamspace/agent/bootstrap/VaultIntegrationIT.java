package io.streamspace.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.vault.VaultKv2TestServer;
import io.streamspace.agent.testkit.files.TempFiles;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The jar with Vault configured and no API key: the key comes from Vault (KV v2, {@code VAULT_TOKEN_KEY}), the
 * agent registers with it, and {@code /health} reports the real token age and refresh outcome.
 */
class VaultIntegrationIT {

    private static final String KEY = "f".repeat(32) + "0123456789abcdef".repeat(2);

    @Test
    void apiKeyComesFromVaultAndHealthReportsTheRefresh() throws Exception {
        int statusPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            statusPort = probe.getLocalPort();
        }
        Path outbox = TempFiles.directory("vault-outbox");
        try (VaultKv2TestServer vault = VaultKv2TestServer.start();
             ControlPlaneSimulator controlPlane = ControlPlaneSimulator.builder().port(0)
                     .agent("docker-vault-1", KEY).start()) {
            vault.addToken("agent-vault-token", Duration.ofHours(1));
            vault.putSecret("secret/agent/h1/status_panel_token", Map.of("token", KEY));
            AgentJarProcess agent = AgentJarProcess.builder().scrubEnv(k -> k.contains("API_KEY"))
                    .redirectErrorStream()
                    .env(Map.of("AGENT_ID", "docker-vault-1",
                            "CONTROL_PLANE_URL", controlPlane.webSocketBaseUrl().toString(),
                            "VAULT_ADDRESS", vault.address().toString(), "VAULT_TOKEN", "agent-vault-token",
                            "VAULT_AGENT_PATH_PREFIX", "secret/agent", "DEPLOYMENT_HASH", "h1",
                            "STATUS_PORT", String.valueOf(statusPort),
                            "OUTBOX_DIR", outbox.toString()))
                    .start();
            try {
                controlPlane.awaitConnected("docker-vault-1", Duration.ofSeconds(30));
                assertThat(controlPlane.registrations()).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
                HttpClient http = HttpClient.newHttpClient();
                JsonNode health = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                    String body = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + statusPort + "/health")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    return new ObjectMapper().readTree(body);
                }, node -> node.path("last_refresh_ok").isBoolean());
                assertThat(health.get("last_refresh_ok").asBoolean()).isTrue();
                assertThat(health.get("token_age_seconds").isIntegralNumber()).isTrue();
                assertThat(health.get("token_age_seconds").asLong()).isBetween(0L, 60L);
                assertThat(agent.all()).doesNotContain(KEY).doesNotContain("agent-vault-token");
            } finally {
                agent.close();
            }
        } finally {
            TempFiles.delete(outbox);
        }
    }
}
