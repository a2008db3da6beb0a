package io.streamspace.agent.application.service.watchdog;

import io.streamspace.agent.application.port.out.ContainerSupervision;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.domain.watchdog.ContainerSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One scripted container: tests set what inspection shows and what the logs say; {@link #restart} records the
 * time and applies the scripted effect of a restart (by default: nothing changes, like a container that crashes
 * again at once).
 */
final class FakeContainerSupervision implements ContainerSupervision {

    private final String name;
    private final Clock clock;
    private Optional<ContainerSnapshot> snapshot = Optional.empty();
    private List<String> logs = List.of();
    private UnaryOperator<Optional<ContainerSnapshot>> onRestart = s -> s;
    private RuntimeException inspectFailure;
    private RuntimeException restartFailure;
    final List<Instant> restarts = new ArrayList<>();
    int logReads;

    FakeContainerSupervision(String name, Clock clock) {
        this.name = name;
        this.clock = clock;
    }

    FakeContainerSupervision shows(ContainerSnapshot s) {
        snapshot = Optional.of(s);
        return this;
    }

    FakeContainerSupervision missing() {
        snapshot = Optional.empty();
        return this;
    }

    FakeContainerSupervision logs(String... lines) {
        logs = List.of(lines);
        return this;
    }

    FakeContainerSupervision onRestart(UnaryOperator<Optional<ContainerSnapshot>> effect) {
        onRestart = effect;
        return this;
    }

    FakeContainerSupervision failInspect(RuntimeException e) {
        inspectFailure = e;
        return this;
    }

    FakeContainerSupervision failRestart(RuntimeException e) {
        restartFailure = e;
        return this;
    }

    @Override
    public Optional<ContainerSnapshot> inspect(String container) {
        if (inspectFailure != null) {
            throw inspectFailure;
        }
        return container.equals(name) ? snapshot : Optional.empty();
    }

    @Override
    public List<String> lastLogLines(String container, int lines) {
        logReads++;
        return logs.subList(Math.max(0, logs.size() - lines), logs.size());
    }

    @Override
    public void restart(String container) {
        restarts.add(clock.instant());
        if (restartFailure != null) {
            throw restartFailure;
        }
        if (!container.equals(name) || snapshot.isEmpty()) {
            throw new RuntimeOperationException("No such container: " + container);
        }
        snapshot = onRestart.apply(snapshot);
    }
}
