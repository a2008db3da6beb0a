package io.streamspace.agent.domain.link;

import java.time.Duration;

/**
 * Exponential backoff with full jitter for reconnecting to the control plane: the n-th consecutive failure waits
 * a uniformly random time between {@code minimum} and {@code min(maximum, initial * 2^n)}. The minimum keeps
 * a flapping link under the control plane's 60 requests per minute (each attempt is a register and a connect).
 */
public record ReconnectBackoff(Duration minimum, Duration initial, Duration maximum) {

    public static final ReconnectBackoff DEFAULT =
            new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(60));

    public ReconnectBackoff {
        if (minimum.isNegative() || initial.compareTo(minimum) < 0 || maximum.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= minimum <= initial <= maximum, got "
                    + minimum + ", " + initial + ", " + maximum);
        }
    }

    /**
     * @param failures consecutive failures so far (0 for the first retry)
     * @param random   a uniform random number in [0, 1), passed in to keep this pure and testable
     */
    public Duration delay(int failures, double random) {
        if (random < 0 || random >= 1) {
            throw new IllegalArgumentException("random must be in [0, 1), got " + random);
        }
        long ceiling = ceilingMillis(failures);
        long floor = minimum.toMillis();
        return Duration.ofMillis(floor + (long) ((ceiling - floor) * random));
    }

    /** The largest delay the n-th consecutive failure may wait. */
    public long ceilingMillis(int failures) {
        int shift = Math.min(Math.max(failures, 0), 30);
        long grown = initial.toMillis() << shift;
        return Math.max(minimum.toMillis(), Math.min(maximum.toMillis(), grown < 0 ? Long.MAX_VALUE : grown));
    }
}
