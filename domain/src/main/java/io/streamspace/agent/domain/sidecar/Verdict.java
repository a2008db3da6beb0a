package io.streamspace.agent.domain.sidecar;

import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of verifying a request: accepted, or the rejection and (for {@link Rejection#RATE_LIMITED}) how long
 * until the agent may call again.
 */
public record Verdict(Rejection rejection, String detail, Duration retryAfter) {

    public static final Verdict ACCEPTED = new Verdict(null, "", Duration.ZERO);

    static Verdict reject(Rejection rejection, String detail) {
        return new Verdict(rejection, detail, Duration.ZERO);
    }

    public boolean accepted() {
        return rejection == null;
    }

    public Optional<Rejection> rejected() {
        return Optional.ofNullable(rejection);
    }
}
