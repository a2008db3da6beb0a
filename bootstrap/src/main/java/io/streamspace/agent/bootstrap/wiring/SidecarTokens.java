package io.streamspace.agent.bootstrap.wiring;

import io.streamspace.agent.adapter.host.FileTokenSource;
import io.streamspace.agent.application.port.out.TokenSource;
import java.nio.file.Path;
import java.util.Optional;

/** The compose-agent token source of either role: a file re-read on every request, or a fixed value. */
public final class SidecarTokens {

    private SidecarTokens() {
    }

    /** The file wins when both are given (the resolvers refuse that anyway); null when there is neither. */
    public static TokenSource of(String token, Path tokenFile) {
        if (tokenFile != null) {
            return new FileTokenSource(tokenFile);
        }
        if (token != null) {
            Optional<String> fixed = Optional.of(token);
            return agentId -> fixed;
        }
        return null;
    }
}
