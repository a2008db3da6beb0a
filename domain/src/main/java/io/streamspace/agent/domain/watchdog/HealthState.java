package io.streamspace.agent.domain.watchdog;

import java.util.Objects;

/**
 * What the watchdog concluded about the supervised container at one check.
 *
 * <p>The seed's four states ({@link Healthy}, {@link Unhealthy}, {@link GlibcMismatch}, {@link NotFound}) plus
 * {@link Starting}: a running container whose Docker HEALTHCHECK has not decided yet. It is neither restarted nor
 * counted as healthy, so a container that keeps failing its health check after each restart (and passes through
 * {@code starting} every time) cannot reset its own restart counter.
 */
public sealed interface HealthState {

    /** Whether the watchdog should restart the container (after the backoff delay). */
    default boolean needsRestart() {
        return this instanceof Unhealthy || this instanceof GlibcMismatch;
    }

    /** A one-line description for logs and the status API. */
    String describe();

    /** Running, and its HEALTHCHECK (if any) reports {@code healthy}. */
    record Healthy() implements HealthState {
        @Override
        public String describe() {
            return "healthy";
        }
    }

    /** Running with a HEALTHCHECK that still reports {@code starting}. */
    record Starting() implements HealthState {
        @Override
        public String describe() {
            return "starting (health check not decided yet)";
        }
    }

    /** Running but failing its health check, or paused, or exited for another reason than glibc. */
    record Unhealthy(String reason) implements HealthState {
        public Unhealthy {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String describe() {
            return "unhealthy: " + reason;
        }
    }

    /**
     * Not running because a binary needs a newer glibc than the image has ({@code version `GLIBC_2.39' not found}).
     *
     * @param detail the matching line, and where it was found (log or {@code State.Error})
     */
    record GlibcMismatch(String detail) implements HealthState {
        public GlibcMismatch {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String describe() {
            return "glibc mismatch: " + detail;
        }
    }

    /** No container has the target's name. */
    record NotFound() implements HealthState {
        @Override
        public String describe() {
            return "not found";
        }
    }

    HealthState HEALTHY = new Healthy();
    HealthState STARTING = new Starting();
    HealthState NOT_FOUND = new NotFound();
}
