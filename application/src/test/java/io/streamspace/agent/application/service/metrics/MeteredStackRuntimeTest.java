package io.streamspace.agent.application.service.metrics;

import io.streamspace.agent.application.testing.QuietStackRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.domain.compose.ComposeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeteredStackRuntimeTest {

    private final List<String> finished = new ArrayList<>();
    private final MeteredStackRuntime metered = new MeteredStackRuntime(new Stub(),
            (action, outcome) -> finished.add(action + ":" + outcome.name().toLowerCase(java.util.Locale.ROOT)));

    @Test
    void mutationsAreCountedByOutcomeAndReadsAreNot() throws Exception {
        ComposeModel empty = new ComposeModel(null, Map.of(), Map.of(), Map.of());
        metered.up(empty, new StackRuntime.ProjectContext("p1", null, null));
        metered.ps("p1");
        metered.logs("p1", "web", 10);
        metered.restart("p1", List.of());
        metered.stop("p1", List.of());
        metered.start("p1", List.of());
        metered.pull(empty);
        metered.down("p1", false);
        assertThatThrownBy(() -> metered.down("broken", false)).isInstanceOf(RuntimeOperationException.class);

        assertThat(finished).containsExactly("stack_up:success", "stack_restart:success", "stack_stop:success",
                "stack_start:success", "stack_pull:success", "stack_down:success", "stack_down:failure");
    }

    private static final class Stub extends QuietStackRuntime {
        @Override
        public DownResult down(String project, boolean removeVolumes) {
            if (project.equals("broken")) {
                throw new RuntimeOperationException("boom");
            }
            return new DownResult(project, List.of(), List.of(), List.of());
        }
    }
}
