package io.streamspace.agent.bootstrap.wiring;

import dagger.Module;
import dagger.Provides;
import io.streamspace.agent.adapter.vault.VaultKv2SecretStore;
import io.streamspace.agent.adapter.vault.VaultSettings;
import io.streamspace.agent.adapter.vault.VaultTls;
import io.streamspace.agent.application.port.out.SecretStore;
import io.streamspace.agent.application.port.out.TokenSource;
import io.streamspace.agent.application.service.secret.RefreshingTokenSource;
import io.streamspace.agent.application.service.secret.TokenRefresher;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.bootstrap.config.VaultConfiguration;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;

/** Vault KV v2 tokens: this process's token is refreshed every minute and reported by {@code /health}. */
@Module
public final class VaultModule {

    /** The key both sides of the sidecar's local API sign with (the seed's layout). */
    public static final String COMPOSE_AGENT_TOKEN_KEY = "compose_agent_token";

    private VaultModule() {
    }

    @Provides
    @Singleton
    static Optional<SecretStore> secretStore(AgentConfiguration config) {
        return Optional.ofNullable(config.vault()).map(VaultModule::open);
    }

    @Provides
    @Singleton
    static TokenRefresher tokenRefresher(Optional<SecretStore> store, AgentConfiguration config, Clock clock) {
        if (store.isEmpty()) {
            return TokenRefresher.withoutSecretStore(null, clock);
        }
        return new TokenRefresher(store.get(), config.vault().tokenKey(), null, clock,
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("vault-refresh").factory()),
                RandomGenerator.getDefault());
    }

    /**
     * The compose-agent token as Vault holds it under {@code key}: read now, refreshed every minute plus jitter,
     * and at once when the peer refuses a signature. Both sides of the sidecar's API use this.
     */
    public static TokenSource composeAgentTokens(SecretStore store, String key, Clock clock) {
        TokenRefresher refresher = new TokenRefresher(store, key, null, clock,
                Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().daemon().name("vault-compose-token").factory()),
                RandomGenerator.getDefault());
        refresher.refreshNow();
        refresher.start();
        return new RefreshingTokenSource(refresher);
    }

    /** Opens the Vault store described by the configuration (also used before wiring, to read the API key). */
    public static SecretStore open(VaultConfiguration vault) {
        VaultSettings settings = VaultSettings.fromPathPrefix(vault.address(), vault.token(), vault.pathPrefix(),
                vault.deploymentHash());
        SSLContext tls = vault.clientCertificate() == null ? null : tls(vault);
        return new VaultKv2SecretStore(settings, tls);
    }

    private static SSLContext tls(VaultConfiguration vault) {
        boolean inline = vault.clientCertificate().startsWith("-----BEGIN");
        if (inline) {
            return VaultTls.fromPem(vault.clientCertificate(), vault.clientKey(), pemOrNull(vault.caCertificate()));
        }
        return VaultTls.fromFiles(Path.of(vault.clientCertificate()), Path.of(vault.clientKey()),
                vault.caCertificate() == null ? null : Path.of(vault.caCertificate()));
    }

    private static String pemOrNull(String value) {
        if (value == null) {
            return null;
        }
        try {
            return value.startsWith("-----BEGIN") ? value : java.nio.file.Files.readString(Path.of(value));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the Vault CA certificate " + value + ": " + e.getMessage());
        }
    }
}
