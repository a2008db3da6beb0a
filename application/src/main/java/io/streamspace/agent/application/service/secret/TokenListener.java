package io.streamspace.agent.application.service.secret;

/** Told when {@link TokenRefresher} finds a different token in the secret store. */
@FunctionalInterface
public interface TokenListener {

    /** The token to use from now on, for outgoing and incoming signatures alike. Must not block for long. */
    void tokenChanged(String newToken);
}
