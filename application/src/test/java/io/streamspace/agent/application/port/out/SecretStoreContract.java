package io.streamspace.agent.application.port.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.SecretStore.Secret;
import org.junit.jupiter.api.Test;

/**
 * The {@link SecretStore} port contract: one suite, run against the in-memory fake
 * ({@code SecretStoreInMemoryContractTest}) and Vault KV v2 ({@code VaultKv2SecretStoreContractTest}, against the
 * testkit's Vault server).
 *
 * <p>A subclass gives a store over an empty deployment, a way to change a secret behind the store's back (an operator
 * or another process rotating it), and a store whose backend cannot be reached.
 */
public abstract class SecretStoreContract {

    protected static final String STATUS_PANEL_TOKEN = "status_panel_token";
    protected static final String COMPOSE_AGENT_TOKEN = "compose_agent_token";

    /** A store over this test's deployment, empty at the start of each test. */
    protected abstract SecretStore store();

    /** Writes {@code value} as a new version of {@code key} in the same deployment, not through {@link #store()}. */
    protected abstract void putBehindTheStoresBack(String key, String value);

    /** A store configured like {@link #store()} whose backend cannot be reached. */
    protected abstract SecretStore unreachableStore();

    /** The credential the store uses (e.g. the Vault token), which no message may contain; null if none. */
    protected abstract String credential();

    @Test
    void aMissingSecretReadsAsEmpty() {
        assertThat(store().read(STATUS_PANEL_TOKEN)).isEmpty();
    }

    @Test
    void aWrittenSecretIsReadBackAsItsFirstVersion() {
        SecretStore store = store();
        store.write(STATUS_PANEL_TOKEN, "tok-1");

        Secret secret = store.read(STATUS_PANEL_TOKEN).orElseThrow();

        assertThat(secret.key()).isEqualTo(STATUS_PANEL_TOKEN);
        assertThat(secret.value()).isEqualTo("tok-1");
        assertThat(secret.version()).isEqualTo(1);
    }

    @Test
    void everyWriteIsANewVersionAndReadsReturnTheLatest() {
        SecretStore store = store();
        store.write(STATUS_PANEL_TOKEN, "tok-1");
        store.write(STATUS_PANEL_TOKEN, "tok-2");
        store.write(STATUS_PANEL_TOKEN, "tok-3");

        Secret secret = store.read(STATUS_PANEL_TOKEN).orElseThrow();

        assertThat(secret.value()).isEqualTo("tok-3");
        assertThat(secret.version()).isEqualTo(3);
    }

    @Test
    void aSecretRotatedBehindTheStoresBackIsReadAtOnce() {
        SecretStore store = store();
        store.write(STATUS_PANEL_TOKEN, "tok-1");
        Secret before = store.read(STATUS_PANEL_TOKEN).orElseThrow();

        putBehindTheStoresBack(STATUS_PANEL_TOKEN, "tok-rotated");

        Secret after = store.read(STATUS_PANEL_TOKEN).orElseThrow();
        assertThat(after.value()).isEqualTo("tok-rotated");
        assertThat(after.version()).isGreaterThan(before.version());
    }

    @Test
    void keysAreIndependentSecrets() {
        SecretStore store = store();
        store.write(STATUS_PANEL_TOKEN, "panel");
        store.write(COMPOSE_AGENT_TOKEN, "sidecar");
        store.write(COMPOSE_AGENT_TOKEN, "sidecar-2");

        assertThat(store.read(STATUS_PANEL_TOKEN).orElseThrow().value()).isEqualTo("panel");
        assertThat(store.read(STATUS_PANEL_TOKEN).orElseThrow().version()).isEqualTo(1);
        assertThat(store.read(COMPOSE_AGENT_TOKEN).orElseThrow().value()).isEqualTo("sidecar-2");
        assertThat(store.read("control_plane_api_key")).isEmpty();
    }

    @Test
    void storesOfTheSameDeploymentSeeEachOthersWrites() {
        store().write(COMPOSE_AGENT_TOKEN, "shared");

        assertThat(store().read(COMPOSE_AGENT_TOKEN).orElseThrow().value()).isEqualTo("shared");
    }

    @Test
    void keysThatAreNotOnePathSegmentAreRefused() {
        SecretStore store = store();
        for (String bad : new String[] {"", " ", "a/b", "..", "."}) {
            assertThatThrownBy(() -> store.read(bad)).as("read '%s'", bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.write(bad, "v")).as("write '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anUnreachableStoreFailsWithAMessageThatShowsNoSecret() {
        SecretStore store = unreachableStore();

        assertThatThrownBy(() -> store.read(STATUS_PANEL_TOKEN))
                .isInstanceOf(SecretStoreException.class)
                .satisfies(e -> assertNoCredentialIn(e.getMessage()));
        assertThatThrownBy(() -> store.write(STATUS_PANEL_TOKEN, "top-secret-value"))
                .isInstanceOf(SecretStoreException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("top-secret-value"))
                .satisfies(e -> assertNoCredentialIn(e.getMessage()));
    }

    @Test
    void secretsAndStoresDoNotShowValuesOrCredentials() {
        SecretStore store = store();
        store.write(STATUS_PANEL_TOKEN, "tok-visible-nowhere");
        Secret secret = store.read(STATUS_PANEL_TOKEN).orElseThrow();

        assertThat(secret.toString()).contains(STATUS_PANEL_TOKEN).doesNotContain("tok-visible-nowhere");
        assertThat(store.describe()).isNotBlank().doesNotContain("tok-visible-nowhere");
        assertNoCredentialIn(store.describe());
        assertNoCredentialIn(store.toString());
    }

    protected void assertNoCredentialIn(String text) {
        assertThat(text).isNotBlank();
        if (credential() != null) {
            assertThat(text).doesNotContain(credential());
        }
    }
}
