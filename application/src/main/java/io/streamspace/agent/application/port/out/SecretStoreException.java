package io.streamspace.agent.application.port.out;

/**
 * The secret store cannot be reached, refused the request or answered something unexpected, e.g.
 * {@code Vault at https://vault:8200 answered 403: permission denied for secret/data/agent/h1/status_panel_token}.
 * The message is precise and never contains a secret or a credential.
 */
public class SecretStoreException extends RuntimeException {

    public SecretStoreException(String message) {
        super(message);
    }

    public SecretStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
