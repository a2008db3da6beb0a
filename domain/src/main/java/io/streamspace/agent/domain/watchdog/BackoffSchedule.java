package io.streamspace.agent.domain.watchdog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Objects;

/**
 * Restart delays growing geometrically: attempt {@code n} (0-based) waits {@code floor(initial · multiplierⁿ)},
 * floored to whole {@code resolution}s. The seed's schedule is initial 10 s, multiplier 1.5, resolution 1 s:
 * 10, 15, 22, 33, 50 s. Computed in decimal, so {@code 10 · 1.5²} is 22.5 and floors to 22, not to a binary
 * rounding error below.
 */
public record BackoffSchedule(Duration initialDelay, double multiplier, Duration resolution) {

    /** 10 s, × 1.5, whole seconds. */
    public static final BackoffSchedule SEED = new BackoffSchedule(Duration.ofSeconds(10), 1.5, Duration.ofSeconds(1));

    public BackoffSchedule {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(resolution, "resolution");
        if (initialDelay.isNegative()) {
            throw new IllegalArgumentException("the initial restart delay must not be negative, got " + initialDelay);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("the restart backoff multiplier must be a finite number >= 1, got "
                    + multiplier);
        }
        if (resolution.isNegative() || resolution.isZero()) {
            throw new IllegalArgumentException("the backoff resolution must be positive, got " + resolution);
        }
    }

    /**
     * A schedule floored to whole seconds when the initial delay is whole seconds (the seed's 10, 15, 22, 33, 50),
     * else to milliseconds (e.g. 200, 300, 450, 675, 1012 ms for tests).
     */
    public static BackoffSchedule of(Duration initialDelay, double multiplier) {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Duration resolution = initialDelay.toNanos() % 1_000_000_000L == 0 ? Duration.ofSeconds(1) : Duration.ofMillis(1);
        return new BackoffSchedule(initialDelay, multiplier, resolution);
    }

    /** The delay before restart attempt {@code attempt} (0 = the first restart of an unhealthy run). */
    public Duration delay(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative, got " + attempt);
        }
        BigDecimal nanos = BigDecimal.valueOf(initialDelay.toNanos())
                .multiply(BigDecimal.valueOf(multiplier).pow(attempt));
        BigDecimal steps = nanos.divide(BigDecimal.valueOf(resolution.toNanos()), 0, RoundingMode.FLOOR);
        BigDecimal cap = BigDecimal.valueOf(Long.MAX_VALUE / resolution.toNanos());
        return resolution.multipliedBy(steps.min(cap).longValueExact());
    }
}
