package io.streamspace.agent.application.service.stack;

import io.streamspace.agent.application.testing.QuietStackRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.domain.compose.ComposeModel;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackHandlersTest {

    /** Records what the handlers ask of the runtime. */
    static final class RecordingRuntime extends QuietStackRuntime {
        final List<String> calls = new ArrayList<>();
        ComposeModel lastModel;
        ProjectContext lastContext;

        @Override
        public UpResult up(ComposeModel model, ProjectContext context) {
            lastModel = model;
            lastContext = context;
            calls.add("up " + context.project());
            return new UpResult(context.project(), List.copyOf(model.services().keySet()), List.of(), List.of(),
                    List.copyOf(model.services().keySet()));
        }

        @Override
        public DownResult down(String project, boolean removeVolumes) {
            calls.add("down " + project + " " + removeVolumes);
            return new DownResult(project, List.of(project + "-web-1"), List.of(project + "_default"),
                    removeVolumes ? List.of(project + "_data") : List.of());
        }

        @Override
        public List<StackContainer> ps(String project) {
            calls.add("ps " + project);
            return List.of(new StackContainer("abc", project + "-web-1", "web", 1, "busybox", "running", null, 0, "h"));
        }
    }

    /** Stands in for the YAML adapter: the "text" names one of these documents. */
    private static final StackRuntime.ComposeFileReader READER = (text, source) -> switch (text) {
        case "simple" -> Map.of("services", Map.of("web", Map.of("image", "busybox:${TAG:-latest}",
                "environment", Map.of("GREETING", "${GREETING:?say hello}"))));
        case "build" -> Map.of("services", Map.of("web", Map.of("image", "x", "build", ".")));
        case "named" -> Map.of("name", "fromfile", "services", Map.of("web", Map.of("image", "busybox")));
        default -> throw new IllegalArgumentException(text);
    };

    private final RecordingRuntime runtime = new RecordingRuntime();
    private final StackService stacks = new StackService(runtime, READER);

    private static InboundMessage.Command command(String action, Map<String, Object> payload) {
        return new InboundMessage.Command("c1", action, payload);
    }

    @Test
    void deployInterpolatesFromDotenvAndEnvWithEnvWinning() throws Exception {
        Map<String, Object> result = new DeployStackHandler(stacks).handle(command("deploy_stack", Map.of(
                "project", "shop", "compose", "simple", "env", Map.of("GREETING", "hi"),
                "dotenv", "TAG=1.0\nGREETING=from-dotenv\n")), m -> { });
        assertThat(runtime.lastModel.services().get("web").image()).isEqualTo("busybox:1.0");
        assertThat(runtime.lastModel.services().get("web").environment()).containsEntry("GREETING", "hi");
        assertThat(runtime.lastContext.configFiles()).containsExactly("deploy_stack:c1");
        assertThat(result).containsEntry("project", "shop").containsEntry("created", List.of("web"));
        assertThat((List<?>) result.get("containers")).hasSize(1);
    }

    @Test
    void deployRefusesWithTheKeyPath() {
        assertThatThrownBy(() -> new DeployStackHandler(stacks).handle(command("deploy_stack",
                Map.of("project", "shop", "compose", "build")), m -> { }))
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("compose file rejected: services.web.build: not supported by this engine");
        assertThatThrownBy(() -> new DeployStackHandler(stacks).handle(command("deploy_stack",
                Map.of("project", "shop", "compose", "simple")), m -> { }))
                .hasMessage("compose file rejected: services.web.environment.GREETING: required variable GREETING"
                        + " is not set: say hello");
        assertThatThrownBy(() -> new DeployStackHandler(stacks).handle(command("deploy_stack",
                Map.of("project", "Bad Name", "compose", "named")), m -> { }))
                .hasMessageContaining("invalid project name \"Bad Name\"");
        assertThatThrownBy(() -> new DeployStackHandler(stacks).handle(command("deploy_stack",
                Map.of("project", "shop")), m -> { })).hasMessage("compose is required");
        assertThat(runtime.calls).isEmpty();
    }

    @Test
    void projectNameFallsBackToTheFilesName() throws Exception {
        new DeployStackHandler(stacks).handle(command("deploy_stack", Map.of("compose", "named")), m -> { });
        assertThat(runtime.calls).containsExactly("up fromfile", "ps fromfile");
    }

    @Test
    void removeAndStatus() throws Exception {
        Map<String, Object> removed = new RemoveStackHandler(stacks).handle(command("remove_stack",
                Map.of("project", "shop", "volumes", true)), m -> { });
        assertThat(removed).containsEntry("volumesRemoved", List.of("shop_data"));
        Map<String, Object> status = new StackStatusHandler(stacks).handle(command("stack_status",
                Map.of("project", "shop")), m -> { });
        assertThat(status).containsEntry("running", 1L);
        assertThat(runtime.calls).containsExactly("down shop true", "ps shop");
        assertThatThrownBy(() -> new RemoveStackHandler(stacks).handle(command("remove_stack",
                Map.of("project", "shop", "volumes", "yes")), m -> { })).hasMessage("volumes must be true or false");
    }
}
