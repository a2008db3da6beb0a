package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.watchdog.ContainerSnapshot;
import java.util.List;
import java.util.Optional;

/**
 * Inspect, read the logs of, and restart one container by name: what the watchdog needs to supervise the
 * compose-agent sidecar. Failures to reach or use the engine are {@link RuntimeOperationException}s.
 */
public interface ContainerSupervision {

    /** The container named exactly {@code name}, or empty when there is none. */
    Optional<ContainerSnapshot> inspect(String name);

    /**
     * The last {@code lines} lines the container wrote (stdout and stderr interleaved as the engine stored them),
     * oldest first; empty when it wrote nothing or no longer exists.
     */
    List<String> lastLogLines(String name, int lines);

    /** Restarts the container (stops it if it runs, then starts it). */
    void restart(String name);
}
