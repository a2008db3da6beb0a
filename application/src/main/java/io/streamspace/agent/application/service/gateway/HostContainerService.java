package io.streamspace.agent.application.service.gateway;

import io.streamspace.agent.application.port.in.ManageHostContainers;
import io.streamspace.agent.application.port.in.ObjectNotFoundException;
import io.streamspace.agent.application.port.in.OperationFailedException;
import io.streamspace.agent.application.port.in.OutOfScopeException;
import io.streamspace.agent.application.port.out.HostContainers;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.domain.host.ContainerDetails;
import io.streamspace.agent.domain.host.ContainerSummary;
import io.streamspace.agent.domain.host.ContainerUsage;
import io.streamspace.agent.domain.host.SecretRedaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ManageHostContainers} over {@link HostContainers}: every call first inspects the container and checks it
 * against the {@link GatewayScope}; what leaves carries no secret values.
 */
public final class HostContainerService implements ManageHostContainers {

    private final HostContainers containers;
    private final GatewayScope scope;

    public HostContainerService(HostContainers containers, GatewayScope scope) {
        this.containers = containers;
        this.scope = scope;
    }

    @Override
    public List<ContainerSummary> list(boolean includeStopped) {
        return engine(() -> {
            if (scope.everything()) {
                return sorted(containers.list(Map.of(), includeStopped));
            }
            Map<String, ContainerSummary> byId = new LinkedHashMap<>();
            for (String agentId : scope.agentIds()) {
                containers.list(GatewayScope.ownerLabels(agentId), includeStopped)
                        .forEach(c -> byId.putIfAbsent(c.id(), c));
            }
            return sorted(new ArrayList<>(byId.values()));
        });
    }

    @Override
    public ContainerDetails inspect(String container) {
        ContainerDetails found = inScope(container);
        return found.withEnvironment(SecretRedaction.environment(found.environment()));
    }

    @Override
    public String logs(String container, int tail, Instant since) throws InterruptedException {
        ContainerDetails found = inScope(container);
        String text = engineInterruptible(() -> containers.logs(found.id(), tail, since));
        return SecretRedaction.of(found.environment()).redact(text);
    }

    @Override
    public ContainerUsage stats(String container) throws InterruptedException {
        ContainerDetails found = inScope(container);
        if (!found.running()) {
            throw new OperationFailedException("container " + found.name() + " is " + found.state()
                    + ": only a running container has resource usage");
        }
        return engineInterruptible(() -> containers.stats(found.id()));
    }

    @Override
    public ContainerDetails start(String container) {
        ContainerDetails found = inScope(container);
        engine(() -> {
            containers.start(found.id());
            return null;
        });
        return inspect(found.id());
    }

    @Override
    public ContainerDetails stop(String container, Duration grace) {
        ContainerDetails found = inScope(container);
        engine(() -> {
            containers.stop(found.id(), grace);
            return null;
        });
        return inspect(found.id());
    }

    @Override
    public ContainerDetails restart(String container, Duration grace) {
        ContainerDetails found = inScope(container);
        engine(() -> {
            containers.restart(found.id(), grace);
            return null;
        });
        return inspect(found.id());
    }

    /** The container, unredacted (for the redaction itself), when it exists and is in scope. */
    ContainerDetails inScope(String container) {
        ContainerDetails found = engine(() -> containers.inspect(container)).orElseThrow(() ->
                new ObjectNotFoundException("no container named or with id '" + container + "' on this host"));
        if (!scope.covers(found.labels())) {
            throw new OutOfScopeException(scope.outOfScope("container " + found.name()));
        }
        return found;
    }

    private static List<ContainerSummary> sorted(List<ContainerSummary> list) {
        List<ContainerSummary> out = new ArrayList<>(list);
        out.sort(Comparator.comparing(ContainerSummary::name, Comparator.nullsLast(Comparator.naturalOrder())));
        return List.copyOf(out);
    }

    interface EngineCall<T> {
        T run();
    }

    interface InterruptibleEngineCall<T> {
        T run() throws InterruptedException;
    }

    static <T> T engine(EngineCall<T> call) {
        try {
            return call.run();
        } catch (RuntimeOperationException e) {
            throw new OperationFailedException(e.getMessage(), e);
        }
    }

    static <T> T engineInterruptible(InterruptibleEngineCall<T> call) throws InterruptedException {
        try {
            return call.run();
        } catch (RuntimeOperationException e) {
            throw new OperationFailedException(e.getMessage(), e);
        }
    }
}
