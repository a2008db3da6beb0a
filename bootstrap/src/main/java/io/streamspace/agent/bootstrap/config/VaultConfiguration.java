package io.streamspace.agent.bootstrap.config;

import java.net.URI;

/**
 * Vault, when {@code VAULT_ADDRESS}, {@code VAULT_TOKEN} and {@code VAULT_AGENT_PATH_PREFIX} are all set: tokens
 * are read from KV v2 at {@code {prefix}/{deploymentHash}/{tokenKey}}. {@link #toString()} hides the token and key.
 *
 * @param clientCertificate PEM text or a file path, or null (mTLS off)
 * @param clientKey         PEM text or a file path, or null
 * @param caCertificate     PEM text or a file path of the CA to trust, or null (system trust)
 */
public record VaultConfiguration(URI address, String token, String pathPrefix, String deploymentHash,
                                 String tokenKey, String clientCertificate, String clientKey, String caCertificate) {

    @Override
    public String toString() {
        return "VaultConfiguration[address=" + address + ", token=****, pathPrefix=" + pathPrefix
                + ", deploymentHash=" + deploymentHash + ", tokenKey=" + tokenKey + ", mTLS="
                + (clientCertificate != null) + "]";
    }
}
