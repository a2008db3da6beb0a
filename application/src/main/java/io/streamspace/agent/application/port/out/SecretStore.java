package io.streamspace.agent.application.port.out;

import java.util.Optional;

/**
 * The agent's secrets: the tokens shared with its peers ({@code status_panel_token}, {@code compose_agent_token})
 * and the control-plane API key, kept under one deployment. A key names one secret of this deployment; where the
 * deployment lives (Vault mount, path prefix, deployment hash) is the adapter's configuration.
 *
 * <p>A secret holds one value. Every write makes a new version; a read returns the latest one. Reading is also
 * when an adapter keeps its own access alive (Vault: look up its token, renew it when near expiry), so a caller that
 * reads regularly needs nothing else.
 *
 * <p>Every method throws {@link SecretStoreException} when the store cannot be reached, refuses us or answers
 * something unexpected; the message says where and why and never contains a secret or a credential.
 */
public interface SecretStore {

    /**
     * The latest version of the secret {@code key} (e.g. {@code status_panel_token}).
     *
     * @return empty when the store has no such secret
     */
    Optional<Secret> read(String key);

    /** Stores {@code value} as a new version of the secret {@code key}, creating it if needed. */
    void write(String key, String value);

    /** Where the secrets are, for messages and logs (e.g. {@code Vault at https://vault:8200, secret/agent/h1}). */
    String describe();

    /**
     * One version of a secret. {@link #toString()} never shows the value.
     *
     * @param version the store's version number, increasing with every write (1 for the first)
     */
    record Secret(String key, String value, long version) {
        public Secret {
            if (key == null || key.isBlank() || value == null) {
                throw new IllegalArgumentException("a secret needs a key and a value");
            }
            if (version < 1) {
                throw new IllegalArgumentException("a secret version starts at 1, got " + version);
            }
        }

        @Override
        public String toString() {
            return key + " (version " + version + ", value hidden)";
        }
    }
}
