package io.streamspace.agent.application.service.watchdog;

import io.streamspace.agent.domain.watchdog.BackoffSchedule;
import io.streamspace.agent.domain.watchdog.RestartPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * The watchdog's configuration (the seed's {@code [watchdog]} table).
 *
 * @param targetContainer          the container to supervise ({@code target_container})
 * @param checkInterval            how often to check it ({@code check_interval_secs}); healthy for this long resets
 *                                 the attempt counter
 * @param maxRestartAttempts       restarts before giving up ({@code max_restart_attempts})
 * @param restartBackoffMultiplier growth of the delay between restarts ({@code restart_backoff_multiplier})
 * @param initialRestartDelay      the delay before the first restart (10 s in the seed); whole seconds floor the
 *                                 schedule to seconds, anything finer to milliseconds
 * @param logLines                 how many of the container's last log lines to search for a glibc error
 */
public record WatchdogSettings(String targetContainer, Duration checkInterval, int maxRestartAttempts,
                               double restartBackoffMultiplier, Duration initialRestartDelay, int logLines) {

    public static final String DEFAULT_TARGET = "compose-agent";
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RESTART_ATTEMPTS = 5;
    public static final double DEFAULT_BACKOFF_MULTIPLIER = 1.5;
    public static final Duration DEFAULT_INITIAL_RESTART_DELAY = Duration.ofSeconds(10);
    public static final int DEFAULT_LOG_LINES = 50;

    /** The seed's: {@code compose-agent}, every 30 s, 5 attempts, 10 s × 1.5 (10, 15, 22, 33, 50 s). */
    public static final WatchdogSettings DEFAULT = new WatchdogSettings(DEFAULT_TARGET, DEFAULT_CHECK_INTERVAL,
            DEFAULT_MAX_RESTART_ATTEMPTS, DEFAULT_BACKOFF_MULTIPLIER, DEFAULT_INITIAL_RESTART_DELAY, DEFAULT_LOG_LINES);

    public WatchdogSettings {
        if (targetContainer == null || targetContainer.isBlank()) {
            throw new IllegalArgumentException("the watchdog needs the name of the container to supervise");
        }
        Objects.requireNonNull(checkInterval, "checkInterval");
        Objects.requireNonNull(initialRestartDelay, "initialRestartDelay");
        if (logLines < 1) {
            throw new IllegalArgumentException("the watchdog must read at least one log line, got " + logLines);
        }
        policy(checkInterval, maxRestartAttempts, restartBackoffMultiplier, initialRestartDelay); // validates
    }

    /** The seed's settings for another container. */
    public static WatchdogSettings forTarget(String targetContainer) {
        return DEFAULT.withTarget(targetContainer);
    }

    public WatchdogSettings withTarget(String target) {
        return new WatchdogSettings(target, checkInterval, maxRestartAttempts, restartBackoffMultiplier,
                initialRestartDelay, logLines);
    }

    /** The domain policy these settings describe. */
    public RestartPolicy policy() {
        return policy(checkInterval, maxRestartAttempts, restartBackoffMultiplier, initialRestartDelay);
    }

    private static RestartPolicy policy(Duration interval, int attempts, double multiplier, Duration initial) {
        return new RestartPolicy(interval, attempts, BackoffSchedule.of(initial, multiplier));
    }
}
