package io.streamspace.agent.domain.watchdog;

import java.time.Duration;
import java.util.Objects;

/**
 * How the watchdog treats an unhealthy container.
 *
 * @param checkInterval how often it checks; a container seen healthy for this long resets the attempt counter
 * @param maxAttempts   restarts before it gives up and reports the container as failed
 * @param backoff       the delay before each restart ({@link HealthState.GlibcMismatch} skips the first one)
 */
public record RestartPolicy(Duration checkInterval, int maxAttempts, BackoffSchedule backoff) {

    /** The seed's: every 30 s, 5 attempts, 10 s × 1.5 (10, 15, 22, 33, 50 s). */
    public static final RestartPolicy SEED = new RestartPolicy(Duration.ofSeconds(30), 5, BackoffSchedule.SEED);

    public RestartPolicy {
        Objects.requireNonNull(checkInterval, "checkInterval");
        Objects.requireNonNull(backoff, "backoff");
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("the watchdog check interval must be positive, got " + checkInterval);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("max restart attempts must not be negative, got " + maxAttempts);
        }
    }

    /**
     * The delay before restart {@code attempt} (0-based) of a container in {@code health}: none for the first restart
     * of a glibc mismatch, the backoff schedule otherwise.
     */
    public Duration delayBefore(int attempt, HealthState health) {
        if (attempt == 0 && health instanceof HealthState.GlibcMismatch) {
            return Duration.ZERO;
        }
        return backoff.delay(attempt);
    }
}
