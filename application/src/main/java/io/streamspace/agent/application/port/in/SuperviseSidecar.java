package io.streamspace.agent.application.port.in;

import io.streamspace.agent.domain.watchdog.HealthState;
import java.time.Instant;

/**
 * The watchdog of the compose-agent sidecar: checks the container every interval, restarts it with backoff when it
 * is unhealthy, crashed or fails on a glibc mismatch, gives up after the maximum attempts and reports it as failed.
 * Runs whenever sidecar mode is on.
 */
public interface SuperviseSidecar {

    /** Starts the periodic checks (the first one at once). Idempotent. */
    void start();

    /** Stops the periodic checks; a check in progress finishes. Idempotent. */
    void stop();

    /** Checks the container now, acting on what it finds as a periodic check would, and returns the new status. */
    Status checkNow();

    /** The status after the latest check, for the status API. */
    Status status();

    /**
     * The watchdog's view of the sidecar.
     *
     * @param target        the supervised container's name
     * @param health        what the latest check found; null before the first check
     * @param attempts      restarts made since the last reset
     * @param maxAttempts   restarts allowed before giving up
     * @param failed        the watchdog gave up: the sidecar is reported as failed and no longer restarted
     * @param lastCheckAt   when the latest check ran; null before the first
     * @param lastRestartAt when the watchdog last restarted the container; null if never
     * @param nextRestartAt when the pending restart is due; null if none is pending
     * @param lastError     why the latest check or restart could not be done (engine unreachable, ...); null if it
     *                      could
     */
    record Status(String target, HealthState health, int attempts, int maxAttempts, boolean failed,
                  Instant lastCheckAt, Instant lastRestartAt, Instant nextRestartAt, String lastError) {

        /** A short line for humans: {@code healthy}, {@code unhealthy: ...}, {@code failed: ...} or {@code unknown}. */
        public String summary() {
            if (health == null) {
                return "unknown";
            }
            return failed ? "failed: " + health.describe() : health.describe();
        }
    }
}
