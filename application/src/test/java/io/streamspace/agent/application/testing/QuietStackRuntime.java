package io.streamspace.agent.application.testing;

import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.domain.compose.ComposeModel;
import java.util.List;

/** A {@link StackRuntime} that does nothing and reports empty results; test fakes override what they observe. */
public class QuietStackRuntime implements StackRuntime {

    @Override
    public UpResult up(ComposeModel model, ProjectContext context) throws InterruptedException {
        return new UpResult(context.project(), List.of(), List.of(), List.of(), List.of());
    }

    @Override
    public DownResult down(String project, boolean removeVolumes) {
        return new DownResult(project, List.of(), List.of(), List.of());
    }

    @Override
    public List<StackContainer> ps(String project) {
        return List.of();
    }

    @Override
    public String logs(String project, String service, int tail) throws InterruptedException {
        return "";
    }

    @Override
    public List<String> restart(String project, List<String> services) {
        return List.of();
    }

    @Override
    public List<String> stop(String project, List<String> services) {
        return List.of();
    }

    @Override
    public List<String> start(String project, List<String> services) {
        return List.of();
    }

    @Override
    public List<String> pull(ComposeModel model) throws InterruptedException {
        return List.of();
    }
}
