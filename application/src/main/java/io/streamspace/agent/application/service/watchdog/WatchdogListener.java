package io.streamspace.agent.application.service.watchdog;

import io.streamspace.agent.application.port.in.SuperviseSidecar.Status;
import java.util.Optional;

/**
 * Told what the watchdog does, for metrics and alerts (e.g. a {@code sidecar_failed} gauge). Called on the
 * watchdog's thread after the status was updated; must return quickly; exceptions are logged and ignored.
 */
public interface WatchdogListener {

    /** After every check, with the new status. */
    default void checked(Status status) {}

    /**
     * After restart {@code attempt} (1-based); {@code error} says why the engine could not restart it (the attempt
     * counts anyway).
     */
    default void restarted(Status status, int attempt, Optional<String> error) {}

    /** The watchdog gave up after the maximum attempts: the sidecar is failed. */
    default void gaveUp(Status status) {}

    /** Healthy for a full interval: {@code clearedAttempts} were forgotten (and a failure, if there was one). */
    default void reset(Status status, int clearedAttempts, boolean wasFailed) {}
}
