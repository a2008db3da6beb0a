package io.streamspace.agent.domain.watchdog;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of {@link WatchdogState#decide}: what to do now, the state to keep, and when to check next.
 */
public sealed interface WatchdogDecision {

    /** The state to keep after acting on this decision. */
    WatchdogState next();

    /** When the next check is due. */
    Instant recheckAt();

    /** Nothing to do (healthy, starting, not found). */
    record Stay(WatchdogState next, Instant recheckAt) implements WatchdogDecision {
        public Stay {
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(recheckAt, "recheckAt");
        }
    }

    /**
     * Healthy for a full check interval: the attempt counter (and a failed flag) are cleared.
     *
     * @param clearedAttempts the attempts that were counted
     * @param wasFailed       whether the watchdog had given up
     */
    record Reset(WatchdogState next, Instant recheckAt, int clearedAttempts, boolean wasFailed)
            implements WatchdogDecision {
        public Reset {
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(recheckAt, "recheckAt");
        }
    }

    /**
     * Unhealthy, restart {@code attempt} (1-based) due at {@code restartAt}; check again at {@link #recheckAt()}
     * (the due time, or the next regular check when that comes first).
     */
    record WaitUntil(WatchdogState next, Instant recheckAt, Instant restartAt, int attempt) implements WatchdogDecision {
        public WaitUntil {
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(recheckAt, "recheckAt");
            Objects.requireNonNull(restartAt, "restartAt");
        }
    }

    /**
     * Restart now: attempt {@code attempt} (1-based), after waiting {@code delay}. {@link #next()} already counts
     * it: an attempt the engine refuses counts too.
     */
    record RestartNow(WatchdogState next, Instant recheckAt, int attempt, Duration delay) implements WatchdogDecision {
        public RestartNow {
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(recheckAt, "recheckAt");
            Objects.requireNonNull(delay, "delay");
        }
    }

    /** Still unhealthy after {@code attempts} restarts, the maximum: stop restarting and report the failure (once). */
    record GiveUp(WatchdogState next, Instant recheckAt, int attempts) implements WatchdogDecision {
        public GiveUp {
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(recheckAt, "recheckAt");
        }
    }

    /** Still unhealthy after giving up: nothing to do until it is healthy for a full interval. */
    record StayFailed(WatchdogState next, Instant recheckAt) implements WatchdogDecision {
        public StayFailed {
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(recheckAt, "recheckAt");
        }
    }
}
