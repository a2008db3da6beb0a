package io.streamspace.agent.application.port.in;

import java.util.Objects;

/**
 * A session change needs the session agent (it alone may change its sessions, so that its control plane hears of
 * it), and the caller is not set up to ask it: no agent is configured, or there is no token it accepts with the write
 * scope. The caller names the setting that fixes {@link #missing()}.
 */
public final class SessionAgentRequiredException extends RuntimeException {

    /** What the caller lacks. */
    public enum Missing {
        /** where the session agent's status panel is */
        AGENT,
        /** a token the agent's panel accepts, with the write scope */
        WRITE_TOKEN
    }

    private final Missing missing;

    public SessionAgentRequiredException(Missing missing, String message) {
        super(message);
        this.missing = Objects.requireNonNull(missing);
    }

    public Missing missing() {
        return missing;
    }
}
