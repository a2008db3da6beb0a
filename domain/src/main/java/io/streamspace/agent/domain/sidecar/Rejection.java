package io.streamspace.agent.domain.sidecar;

/** Why a signed request was refused. {@link #reason()} is the text the caller receives. */
public enum Rejection {
    /** A header is missing or malformed (no agent id, a timestamp that is not a number, ...). */
    MALFORMED("missing or malformed signature headers"),
    /** The agent id is not on the allow-list or has no token. */
    UNKNOWN_AGENT("unknown agent id"),
    /** {@code X-Timestamp} is more than the allowed skew away from the receiver's clock. */
    CLOCK_SKEW("clock skew too large"),
    /** The signature does not match the body under the agent's current token. */
    BAD_SIGNATURE("bad signature"),
    /** This request id was seen within the replay window. */
    REPLAY("replay detected"),
    /** The agent exceeded its requests per minute. */
    RATE_LIMITED("rate limit exceeded"),
    /** The replay cache is full: no request can be told apart from a replay, so none is accepted. */
    REPLAY_CACHE_FULL("replay cache full"),
    /** The operation needs a scope the agent was not granted. */
    SCOPE("operation outside scopes");

    private final String reason;

    Rejection(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
