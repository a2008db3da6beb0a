package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.host.ContainerDetails;
import io.streamspace.agent.domain.host.ContainerSummary;
import io.streamspace.agent.domain.host.ContainerUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every container of the host, not only sessions: what the MCP gateway reads and starts or stops. The port does no
 * scoping; the use cases decide which containers a caller may see and touch. Containers are addressed by name or id.
 * Failures to reach or use the engine are {@link RuntimeOperationException}s.
 */
public interface HostContainers {

    /** Containers carrying all of {@code labels} (all containers for an empty map); stopped ones when asked. */
    List<ContainerSummary> list(Map<String, String> labels, boolean includeStopped);

    /** The container with this exact name or id (a unique id prefix also matches), or empty. */
    Optional<ContainerDetails> inspect(String nameOrId);

    /**
     * The last {@code tail} lines the container wrote to stdout and stderr (interleaved as stored), only those
     * written at or after {@code since} when it is not null; empty text when it wrote nothing.
     *
     * @throws RuntimeOperationException when there is no such container
     */
    String logs(String nameOrId, int tail, Instant since) throws InterruptedException;

    /**
     * One sample of the container's resource use (CPU over the engine's sampling interval).
     *
     * @throws RuntimeOperationException when there is no such container or it does not run
     */
    ContainerUsage stats(String nameOrId) throws InterruptedException;

    /** Starts a stopped container; a running one is left alone. */
    void start(String nameOrId);

    /** Stops a running container (SIGTERM, then SIGKILL after {@code grace}); a stopped one is left alone. */
    void stop(String nameOrId, Duration grace);

    /** Restarts the container: stop (with {@code grace}) if it runs, then start. */
    void restart(String nameOrId, Duration grace);
}
