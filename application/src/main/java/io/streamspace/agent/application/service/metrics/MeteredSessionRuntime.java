package io.streamspace.agent.application.service.metrics;

import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import java.util.List;
import java.util.Map;

/**
 * A {@link SessionRuntime} that counts every mutating operation it carries out, by operation and outcome, so the
 * compose-agent sidecar reports command metrics under its own plane ({@code compose_agent}) like the agent does.
 * Read-only calls (info, find, inspect, image present, event watches) are not commands and are not counted.
 */
public final class MeteredSessionRuntime implements SessionRuntime {

    private final SessionRuntime delegate;
    private final CommandOutcomeListener outcomes;

    public MeteredSessionRuntime(SessionRuntime delegate, CommandOutcomeListener outcomes) {
        this.delegate = delegate;
        this.outcomes = outcomes;
    }

    @Override
    public RuntimeInfo info() {
        return delegate.info();
    }

    @Override
    public NetworkRef ensureNetwork(String name, Map<String, String> ownerLabels) {
        return metered("ensure_network", () -> delegate.ensureNetwork(name, ownerLabels));
    }

    @Override
    public List<NetworkRef> findNetworks(Map<String, String> labels) {
        return delegate.findNetworks(labels);
    }

    @Override
    public boolean removeNetwork(String name, Map<String, String> ownerLabels) {
        return metered("remove_network", () -> delegate.removeNetwork(name, ownerLabels));
    }

    @Override
    public boolean imagePresent(String image) {
        return delegate.imagePresent(image);
    }

    @Override
    public void pullImage(String image, java.util.function.Consumer<String> progress) throws InterruptedException {
        meteredInterruptible("pull_image", () -> { delegate.pullImage(image, progress); return null; });
    }

    @Override
    public VolumeRef ensureVolume(String name, String driver, Map<String, String> ownerLabels) {
        return metered("ensure_volume", () -> delegate.ensureVolume(name, driver, ownerLabels));
    }

    @Override
    public List<VolumeRef> findVolumes(Map<String, String> labels) {
        return delegate.findVolumes(labels);
    }

    @Override
    public boolean removeVolume(String name, Map<String, String> ownerLabels) {
        return metered("remove_volume", () -> delegate.removeVolume(name, ownerLabels));
    }

    @Override
    public ContainerState createAndStart(ContainerSpec spec) {
        return metered("create_and_start", () -> delegate.createAndStart(spec));
    }

    @Override
    public java.util.Optional<ContainerState> inspect(String name) {
        return delegate.inspect(name);
    }

    @Override
    public List<ContainerState> findContainers(Map<String, String> labels) {
        return delegate.findContainers(labels);
    }

    @Override
    public List<ListedContainer> listContainers(Map<String, String> labels) {
        return delegate.listContainers(labels);
    }

    @Override
    public Map<String, ResourceUsage> usage(Map<String, String> labels) {
        return delegate.usage(labels);
    }

    @Override
    public boolean removeContainer(String name, Map<String, String> ownerLabels) {
        return metered("remove_container", () -> delegate.removeContainer(name, ownerLabels));
    }

    @Override
    public void stopContainer(String name, Map<String, String> ownerLabels, java.time.Duration grace) {
        metered("stop_container", () -> { delegate.stopContainer(name, ownerLabels, grace); return null; });
    }

    @Override
    public void startContainer(String name, Map<String, String> ownerLabels) {
        metered("start_container", () -> { delegate.startContainer(name, ownerLabels); return null; });
    }

    @Override
    public void pauseContainer(String name, Map<String, String> ownerLabels) {
        metered("pause_container", () -> { delegate.pauseContainer(name, ownerLabels); return null; });
    }

    @Override
    public void unpauseContainer(String name, Map<String, String> ownerLabels) {
        metered("unpause_container", () -> { delegate.unpauseContainer(name, ownerLabels); return null; });
    }

    @Override
    public AutoCloseable watchContainers(Map<String, String> labels, java.util.function.Consumer<ContainerEvent> events) {
        return delegate.watchContainers(labels, events);
    }

    @Override
    public AutoCloseable watchContainers(Map<String, String> labels, long sinceNanos,
                                         java.util.function.Consumer<ContainerEvent> events) {
        return delegate.watchContainers(labels, sinceNanos, events);
    }

    private interface Operation<T> {
        T run();
    }

    private interface InterruptibleOperation<T> {
        T run() throws InterruptedException;
    }

    private <T> T metered(String action, Operation<T> operation) {
        try {
            T result = operation.run();
            outcomes.finished(action, CommandOutcome.SUCCESS);
            return result;
        } catch (RuntimeException e) {
            outcomes.finished(action, CommandOutcome.FAILURE);
            throw e;
        }
    }

    private <T> T meteredInterruptible(String action, InterruptibleOperation<T> operation)
            throws InterruptedException {
        try {
            T result = operation.run();
            outcomes.finished(action, CommandOutcome.SUCCESS);
            return result;
        } catch (RuntimeException | InterruptedException e) {
            outcomes.finished(action, CommandOutcome.FAILURE);
            throw e;
        }
    }
}
