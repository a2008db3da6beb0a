package io.streamspace.agent.application.service.secret;

import io.streamspace.agent.application.port.out.TokenSource;
import java.util.Optional;

/**
 * The compose-agent token as the {@link TokenRefresher} keeps it (Vault's {@code compose_agent_token}): every
 * signature uses the token refreshed last, and a peer's 401/403 asks Vault again at once, so a rotation in Vault
 * reaches both sides without a restart.
 */
public final class RefreshingTokenSource implements TokenSource {

    private final TokenRefresher refresher;

    public RefreshingTokenSource(TokenRefresher refresher) {
        this.refresher = refresher;
    }

    @Override
    public Optional<String> tokenFor(String agentId) {
        return refresher.currentToken();
    }

    @Override
    public void refresh() {
        refresher.refreshNow();
    }
}
