package io.streamspace.agent.application.port.in;

import io.streamspace.agent.domain.host.ContainerDetails;
import io.streamspace.agent.domain.host.ContainerSummary;
import io.streamspace.agent.domain.host.ContainerUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The host's containers as an operator's assistant sees them (the MCP gateway's container tools): only containers in
 * the gateway's scope (by default those carrying this agent's owner labels), with the values of secret-looking
 * environment variables hidden from inspections and logs.
 *
 * <p>A container outside the scope is refused with {@link OutOfScopeException}; an unknown one with
 * {@link ObjectNotFoundException}; an engine failure is an {@link OperationFailedException} with the engine's reason.
 */
public interface ManageHostContainers {

    List<ContainerSummary> list(boolean includeStopped);

    /** The container, its secret environment values replaced by {@code [REDACTED]}. */
    ContainerDetails inspect(String container);

    /** The last {@code tail} log lines (since {@code since} when not null), secret values redacted. */
    String logs(String container, int tail, Instant since) throws InterruptedException;

    ContainerUsage stats(String container) throws InterruptedException;

    /** Starts it (a running one is left alone) and returns it as it is afterwards. */
    ContainerDetails start(String container);

    /** Stops it with {@code grace} before SIGKILL (a stopped one is left alone) and returns it afterwards. */
    ContainerDetails stop(String container, Duration grace);

    ContainerDetails restart(String container, Duration grace);
}
