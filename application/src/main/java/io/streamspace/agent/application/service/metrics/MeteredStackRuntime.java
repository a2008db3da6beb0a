package io.streamspace.agent.application.service.metrics;

import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.domain.compose.ComposeModel;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import java.util.List;

/**
 * A {@link StackRuntime} that counts every mutating stack operation it carries out ({@code stack_up},
 * {@code stack_down}, {@code stack_restart}, {@code stack_stop}, {@code stack_start}, {@code stack_pull}) by outcome,
 * as {@link MeteredSessionRuntime} does for sessions. {@code ps} and {@code logs} change nothing and are not counted.
 */
public final class MeteredStackRuntime implements StackRuntime {

    private final StackRuntime delegate;
    private final CommandOutcomeListener outcomes;

    public MeteredStackRuntime(StackRuntime delegate, CommandOutcomeListener outcomes) {
        this.delegate = delegate;
        this.outcomes = outcomes;
    }

    @Override
    public UpResult up(ComposeModel model, ProjectContext context) throws InterruptedException {
        return metered("stack_up", () -> delegate.up(model, context));
    }

    @Override
    public DownResult down(String project, boolean removeVolumes) {
        return unchecked("stack_down", () -> delegate.down(project, removeVolumes));
    }

    @Override
    public List<StackContainer> ps(String project) {
        return delegate.ps(project);
    }

    @Override
    public String logs(String project, String service, int tail) throws InterruptedException {
        return delegate.logs(project, service, tail);
    }

    @Override
    public List<String> restart(String project, List<String> services) {
        return unchecked("stack_restart", () -> delegate.restart(project, services));
    }

    @Override
    public List<String> stop(String project, List<String> services) {
        return unchecked("stack_stop", () -> delegate.stop(project, services));
    }

    @Override
    public List<String> start(String project, List<String> services) {
        return unchecked("stack_start", () -> delegate.start(project, services));
    }

    @Override
    public List<String> pull(ComposeModel model) throws InterruptedException {
        return metered("stack_pull", () -> delegate.pull(model));
    }

    private interface Operation<T> {
        T run() throws InterruptedException;
    }

    private interface UncheckedOperation<T> {
        T run();
    }

    private <T> T unchecked(String action, UncheckedOperation<T> operation) {
        try {
            T result = operation.run();
            outcomes.finished(action, CommandOutcome.SUCCESS);
            return result;
        } catch (RuntimeException e) {
            outcomes.finished(action, CommandOutcome.FAILURE);
            throw e;
        }
    }

    private <T> T metered(String action, Operation<T> operation) throws InterruptedException {
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
