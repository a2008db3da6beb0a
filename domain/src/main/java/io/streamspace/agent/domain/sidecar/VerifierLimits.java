package io.streamspace.agent.domain.sidecar;

import java.time.Duration;

/**
 * The limits of the local API: clock skew, replay window, requests per minute per agent.
 *
 * @param maxSkew           a timestamp further than this from the receiver's clock is refused (default 300 s)
 * @param replayWindow      how long a request id is remembered (default 600 s, twice the skew: an older replay
 *                          already fails the skew check)
 * @param requestsPerMinute per agent id, over a sliding minute (default 120)
 */
public record VerifierLimits(Duration maxSkew, Duration replayWindow, int requestsPerMinute) {

    public static final VerifierLimits DEFAULTS = new VerifierLimits(Duration.ofSeconds(300), Duration.ofSeconds(600), 120);

    public VerifierLimits {
        if (maxSkew.isNegative() || replayWindow.compareTo(maxSkew.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the replay window (" + replayWindow + ") must be at least twice the"
                    + " allowed clock skew (" + maxSkew + "), or a replay could outlive its cache entry");
        }
        if (requestsPerMinute < 1) {
            throw new IllegalArgumentException("requests per minute must be at least 1, got " + requestsPerMinute);
        }
    }

    public VerifierLimits withRequestsPerMinute(int perMinute) {
        return new VerifierLimits(maxSkew, replayWindow, perMinute);
    }
}
