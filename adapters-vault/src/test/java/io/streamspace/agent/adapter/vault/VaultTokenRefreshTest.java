package io.streamspace.agent.adapter.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.service.secret.TokenRefresher;
import io.streamspace.agent.testkit.vault.VaultKv2TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link TokenRefresher} on the real adapter: a token rotated in Vault reaches the listeners without a restart. */
class VaultTokenRefreshTest {

    private static final String VAULT_TOKEN = "hvs.refresh-token-77b2";
    private static final String PATH = "secret/agent/h1/status_panel_token";

    private VaultKv2TestServer vault;
    private VaultKv2SecretStore store;
    private ScheduledExecutorService scheduler;
    private TokenRefresher refresher;
    private final BlockingQueue<String> changes = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        vault = VaultKv2TestServer.start();
        vault.addToken(VAULT_TOKEN, Duration.ofHours(1));
        vault.putSecret(PATH, Map.of("token", "panel-1"));
        store = new VaultKv2SecretStore(
                VaultSettings.fromPathPrefix(vault.address(), VAULT_TOKEN, "secret/agent", "h1"), (SSLContext) null);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        refresher = new TokenRefresher(store, "status_panel_token", null, Clock.systemUTC(), scheduler,
                new SplittableRandom());
        refresher.addListener(changes::add);
    }

    @AfterEach
    void stop() {
        refresher.close();
        scheduler.shutdownNow();
        store.close();
        vault.close();
    }

    @Test
    void theFirstRefreshLoadsTheTokenAndAPeerRejectionPicksUpARotation() throws Exception {
        refresher.start();
        assertThat(changes.poll(10, TimeUnit.SECONDS)).isEqualTo("panel-1");
        assertThat(refresher.lastRefreshOk()).isTrue();

        vault.putSecret(PATH, Map.of("token", "panel-2"));
        assertThat(refresher.peerRejected(401)).isTrue();

        assertThat(changes.poll(10, TimeUnit.SECONDS)).isEqualTo("panel-2");
        assertThat(refresher.currentToken()).contains("panel-2");
        assertThat(vault.requestLines()).containsSubsequence(
                "GET /v1/auth/token/lookup-self", "GET /v1/" + "secret/data/agent/h1/status_panel_token",
                "GET /v1/auth/token/lookup-self", "GET /v1/" + "secret/data/agent/h1/status_panel_token");
    }

    @Test
    void aVaultFailureIsReportedAndTheTokenInUseIsKept() {
        assertThat(refresher.refreshNow()).isTrue();
        vault.setSealed(true);

        assertThat(refresher.refreshNow()).isFalse();

        assertThat(refresher.lastRefreshOk()).isFalse();
        assertThat(refresher.currentToken()).contains("panel-1");
        assertThat(refresher.lastFailure()).hasValue("Token refresh failed: Vault at " + vault.address()
                + " answered 503: Vault is sealed for auth/token/lookup-self");

        vault.setSealed(false);
        assertThat(refresher.refreshNow()).isTrue();
        assertThat(refresher.lastRefreshOk()).isTrue();
    }

    @Test
    void theControlPlaneApiKeyCanComeFromVaultUnderItsOwnKey() {
        vault.putSecret("secret/agent/h1/control_plane_api_key", Map.of("token", "sk-cp-123"));
        TokenRefresher apiKey = new TokenRefresher(store, "control_plane_api_key", null, Clock.systemUTC(), scheduler,
                new SplittableRandom());

        assertThat(apiKey.refreshNow()).isTrue();

        assertThat(apiKey.currentToken()).contains("sk-cp-123");
    }
}
