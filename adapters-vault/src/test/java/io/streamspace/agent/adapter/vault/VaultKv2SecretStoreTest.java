package io.streamspace.agent.adapter.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.SecretStore.Secret;
import io.streamspace.agent.application.port.out.SecretStoreException;
import io.streamspace.agent.testkit.vault.SettableClock;
import io.streamspace.agent.testkit.vault.VaultKv2TestServer;
import io.streamspace.agent.testkit.vault.VaultKv2TestServer.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link VaultKv2SecretStore} against the testkit's Vault: URLs, header, renewal, precise errors. */
class VaultKv2SecretStoreTest {

    private static final String TOKEN = "hvs.CAESIMy-secret-vault-token";
    private static final String SECRET = "/v1/secret/data/agent/h1/status_panel_token";

    private final SettableClock clock = new SettableClock(Instant.parse("2025-06-01T12:00:00Z"));
    private VaultKv2TestServer vault;
    private VaultKv2SecretStore store;

    @BeforeEach
    void start() {
        vault = VaultKv2TestServer.builder().clock(clock).mount("kv").start();
        vault.addToken(TOKEN, Duration.ofHours(1));
        store = open("secret/agent", "h1");
    }

    @AfterEach
    void stop() {
        store.close();
        vault.close();
    }

    @Test
    void readsLookUpTheTokenThenGetTheKvV2DataPathWithTheTokenHeader() {
        vault.putSecret("secret/agent/h1/status_panel_token", Map.of("token", "panel-1"));
        vault.putSecret("secret/agent/h1/status_panel_token", Map.of("token", "panel-2", "note", "rotated"));

        Secret secret = store.read("status_panel_token").orElseThrow();

        assertThat(secret.value()).isEqualTo("panel-2");
        assertThat(secret.version()).isEqualTo(2);
        assertThat(vault.requestLines()).containsExactly("GET /v1/auth/token/lookup-self", "GET " + SECRET);
        assertThat(vault.requests()).extracting(RecordedRequest::token).containsOnly(TOKEN);
    }

    @Test
    void writesPostTheValueUnderDataToken() {
        store.write("compose_agent_token", "sidecar-1");

        assertThat(vault.requestLines()).containsExactly("POST /v1/secret/data/agent/h1/compose_agent_token");
        assertThat(vault.secret("secret/agent/h1/compose_agent_token")).contains(Map.of("token", "sidecar-1"));
    }

    @Test
    void thePathPrefixGivesTheMountAndThePathInsideIt() {
        try (VaultKv2SecretStore nested = open("/kv/team/agents/", "h2");
             VaultKv2SecretStore mountOnly = open("secret", "h3")) {
            nested.write("status_panel_token", "a");
            mountOnly.write("status_panel_token", "b");

            assertThat(vault.requestLines()).containsExactly(
                    "POST /v1/kv/data/team/agents/h2/status_panel_token",
                    "POST /v1/secret/data/h3/status_panel_token");
            assertThat(nested.describe()).isEqualTo("Vault at " + vault.address() + ", kv/team/agents/h2");
        }
    }

    @Test
    void aTokenWithUnderSixtySecondsLeftIsRenewedBeforeReading() {
        vault.putSecret("secret/agent/h1/status_panel_token", Map.of("token", "panel"));
        vault.setTtl(TOKEN, Duration.ofSeconds(59));

        assertThat(store.read("status_panel_token")).isPresent();

        assertThat(vault.requestLines()).containsExactly("GET /v1/auth/token/lookup-self",
                "POST /v1/auth/token/renew-self", "GET " + SECRET);
        assertThat(vault.ttl(TOKEN)).contains(Duration.ofHours(1));
    }

    @Test
    void aTokenWithSixtySecondsOrMoreOrWithoutTtlIsNotRenewed() {
        vault.setTtl(TOKEN, Duration.ofSeconds(60));
        store.read("status_panel_token");
        vault.addToken("root-like", Duration.ZERO);
        try (VaultKv2SecretStore root = new VaultKv2SecretStore(
                VaultSettings.fromPathPrefix(vault.address(), "root-like", "secret/agent", "h1"), (SSLContext) null)) {
            root.read("status_panel_token");
        }

        assertThat(vault.requestLines()).doesNotContain("POST /v1/auth/token/renew-self");
    }

    @Test
    void aNonRenewableTokenNearExpiryIsStillUsedUntilItExpires() {
        vault.setRenewable(TOKEN, false);
        vault.setTtl(TOKEN, Duration.ofSeconds(30));

        assertThat(store.read("status_panel_token")).isEmpty();
        assertThat(vault.requestLines()).doesNotContain("POST /v1/auth/token/renew-self");

        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> store.read("status_panel_token"))
                .isInstanceOf(SecretStoreException.class)
                .hasMessage("Vault at " + vault.address() + " answered 403: permission denied for auth/token/lookup-self");
    }

    @Test
    void aPolicyDenialNamesVaultTheStatusAndThePath() {
        vault.deny(TOKEN, "secret/data/agent/h1/");

        assertThatThrownBy(() -> store.read("status_panel_token"))
                .isInstanceOf(SecretStoreException.class)
                .hasMessage("Vault at " + vault.address()
                        + " answered 403: permission denied for secret/data/agent/h1/status_panel_token");
        assertThatThrownBy(() -> store.write("status_panel_token", "v"))
                .hasMessage("Vault at " + vault.address()
                        + " answered 403: permission denied for secret/data/agent/h1/status_panel_token");
    }

    @Test
    void errorsNeverContainTheToken() {
        vault.revokeToken(TOKEN);
        assertThatThrownBy(() -> store.read("status_panel_token")).satisfies(e ->
                assertThat(e.getMessage()).contains("403: permission denied").doesNotContain(TOKEN));
        vault.setSealed(true);
        assertThatThrownBy(() -> store.write("status_panel_token", "value-x")).satisfies(e ->
                assertThat(e.getMessage()).isEqualTo("Vault at " + vault.address()
                        + " answered 503: Vault is sealed for secret/data/agent/h1/status_panel_token")
                        .doesNotContain(TOKEN).doesNotContain("value-x"));
        assertThat(store.toString()).doesNotContain(TOKEN);
        assertThat(VaultSettings.fromPathPrefix(vault.address(), TOKEN, "secret/agent", "h1").toString())
                .doesNotContain(TOKEN);
    }

    @Test
    void aSecretWithoutATokenFieldIsAnErrorThatNamesOnlyTheFields() {
        vault.putSecret("secret/agent/h1/status_panel_token", Map.of("password", "p@ss"));

        assertThatThrownBy(() -> store.read("status_panel_token"))
                .isInstanceOf(SecretStoreException.class)
                .hasMessage("Vault at " + vault.address()
                        + " holds no text field \"token\" in secret/agent/h1/status_panel_token (fields: password)");
    }

    @Test
    void anUnreachableVaultIsNamed() {
        try (VaultKv2SecretStore nowhere = new VaultKv2SecretStore(
                VaultSettings.fromPathPrefix(URI.create("http://127.0.0.1:1/"), TOKEN, "secret/agent", "h1"),
                (SSLContext) null)) {
            assertThatThrownBy(() -> nowhere.read("status_panel_token"))
                    .isInstanceOf(SecretStoreException.class)
                    .hasMessageStartingWith("Cannot reach Vault at http://127.0.0.1:1 for auth/token/lookup-self");
        }
    }

    @Test
    void multiErrorMessagesAreUnwrapped() {
        assertThat(VaultKv2SecretStore.unwrap("1 error occurred:\n\t* permission denied\n\n"))
                .containsExactly("permission denied");
        assertThat(VaultKv2SecretStore.unwrap("2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"))
                .containsExactly("permission denied", "invalid token");
        assertThat(VaultKv2SecretStore.unwrap("Vault is sealed")).containsExactly("Vault is sealed");
    }

    @Test
    void settingsRefuseWhatWouldBreakThePath() {
        URI address = vault.address();
        assertThatThrownBy(() -> VaultSettings.fromPathPrefix(address, TOKEN, "", "h1"))
                .hasMessageContaining("VAULT_AGENT_PATH_PREFIX");
        assertThatThrownBy(() -> VaultSettings.fromPathPrefix(address, TOKEN, "secret/../x", "h1"))
                .hasMessageContaining("'..'");
        assertThatThrownBy(() -> VaultSettings.fromPathPrefix(address, TOKEN, "secret/agent", "a/b"))
                .hasMessageContaining("DEPLOYMENT_HASH");
        assertThatThrownBy(() -> VaultSettings.fromPathPrefix(address, " ", "secret/agent", "h1"))
                .hasMessageContaining("VAULT_TOKEN");
        assertThatThrownBy(() -> VaultSettings.fromPathPrefix(URI.create("vault:8200"), TOKEN, "secret", "h1"))
                .hasMessageContaining("VAULT_ADDRESS");
    }

    private VaultKv2SecretStore open(String prefix, String hash) {
        return new VaultKv2SecretStore(VaultSettings.fromPathPrefix(vault.address(), TOKEN, prefix, hash),
                (SSLContext) null);
    }
}
