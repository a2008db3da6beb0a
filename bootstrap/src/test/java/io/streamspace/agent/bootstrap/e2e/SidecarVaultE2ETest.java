package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.ComposeAgentRole;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.vault.VaultKv2TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sidecar mode with the compose-agent token held in Vault ({@code compose_agent_token}) on both sides: the agent
 * signs with it, the sidecar verifies with it, and a rotation in Vault is picked up by the running agent (the
 * sidecar's refusal makes it read Vault again) without a restart.
 */
class SidecarVaultE2ETest extends SessionE2E {

    private VaultKv2TestServer vault;
    private ComposeAgentRole.Running sidecar;

    @AfterEach
    void stopSidecarAndVault() {
        if (sidecar != null) {
            sidecar.close();
        }
        if (vault != null) {
            vault.close();
        }
    }

    private Map<String, String> vaultEnv() {
        return Map.of("VAULT_ADDRESS", vault.address().toString(), "VAULT_TOKEN", "vault-root",
                "VAULT_AGENT_PATH_PREFIX", "secret/agent", "DEPLOYMENT_HASH", "h1");
    }

    private ComposeAgentRole.Running startSidecar() throws Exception {
        return ComposeAgentRole.start(ComposeAgentRole.resolve(Map.of(
                Setting.LISTEN, "127.0.0.1:0", Setting.ALLOWED_AGENTS, agentId), vaultEnv()));
    }

    @Test
    void bothSidesSignWithTheVaultTokenAndTheAgentFollowsARotation() throws Exception {
        vault = VaultKv2TestServer.start();
        vault.addToken("vault-root", Duration.ofHours(1));
        vault.putSecret("secret/agent/h1/compose_agent_token", Map.of("token", "compose-token-1"));
        sidecar = startSidecar();
        startAgent(Map.of(
                Setting.COMPOSE_AGENT_ENABLED, "true",
                Setting.COMPOSE_AGENT_URL, "http://127.0.0.1:" + sidecar.port(),
                Setting.VAULT_ADDRESS, vault.address().toString(),
                Setting.VAULT_TOKEN, "vault-root",
                Setting.VAULT_PATH_PREFIX, "secret/agent",
                Setting.DEPLOYMENT_HASH, "h1"));

        String first = sessionId("vault", "echo");
        assertThat(awaitCompleted(send("start_session", startPayload(first))).status())
                .isEqualTo(CommandState.Status.COMPLETED);

        // rotate in Vault; a sidecar started now knows only the new token, the running agent still holds the old
        vault.putSecret("secret/agent/h1/compose_agent_token", Map.of("token", "compose-token-2"));
        int oldPort = sidecar.port();
        sidecar.close();
        sidecar = ComposeAgentRole.start(ComposeAgentRole.resolve(Map.of(
                Setting.LISTEN, "127.0.0.1:" + oldPort, Setting.ALLOWED_AGENTS, agentId), vaultEnv()));

        String stop = send("stop_session", Map.of("sessionId", first));
        assertThat(awaitCompleted(stop).status()).isEqualTo(CommandState.Status.COMPLETED);
        assertThat(inspectContainer("streamspace-" + first)).isNull();
        assertThat(String.join("\n", agent.logLines("DockerAgent"))).doesNotContain("compose-token-");
    }
}
