package io.streamspace.agent.domain.watchdog;

import java.util.Objects;

/**
 * What the watchdog needs from one inspection of the supervised container (Docker's {@code State}).
 *
 * @param id           the container id
 * @param status       Docker's {@code State.Status}: {@code created}, {@code running}, {@code paused},
 *                     {@code restarting}, {@code exited}, {@code dead}, ...
 * @param running      the process runs: {@code State.Running} and not {@code State.Restarting} (a container in the
 *                     engine's own restart loop counts as not running: it just died)
 * @param health       {@code State.Health.Status}, {@link Health#NONE} when the image has no HEALTHCHECK
 * @param healthOutput the output of the last health check probe, empty when there is none
 * @param exitCode     {@code State.ExitCode} of the last run
 * @param error        {@code State.Error}: what the engine could not do (e.g. exec failures), often empty
 */
public record ContainerSnapshot(String id, String status, boolean running, Health health, String healthOutput,
                                int exitCode, String error) {

    /** Docker's health status of a container with a HEALTHCHECK, or {@link #NONE}. */
    public enum Health {
        NONE, STARTING, HEALTHY, UNHEALTHY
    }

    public ContainerSnapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(health, "health");
        healthOutput = healthOutput == null ? "" : healthOutput;
        error = error == null ? "" : error;
    }

    /** A running container, without a health check unless {@code health} says otherwise. */
    public static ContainerSnapshot running(String id, Health health) {
        return new ContainerSnapshot(id, "running", true, health, "", 0, "");
    }

    /** A container whose process ended with {@code exitCode}. */
    public static ContainerSnapshot exited(String id, int exitCode, String error) {
        return new ContainerSnapshot(id, "exited", false, Health.NONE, "", exitCode, error);
    }
}
