package io.streamspace.agent.application.service.stack;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime.StackContainer;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.domain.compose.ComposeFileException;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code stack_status}: {@code {"project": "shop"}} lists the project's containers like {@code docker compose ps -a}.
 * Result: {@code project}, {@code running} (count), {@code containers}: a list of {@code service}, {@code name},
 * {@code id}, {@code number}, {@code image}, {@code state}, {@code health} (when the service has a healthcheck) and
 * {@code exitCode} (when not running). An unknown project has no containers (not an error).
 */
public final class StackStatusHandler implements CommandHandler {

    public static final String ACTION = "stack_status";

    private final StackService stacks;

    public StackStatusHandler(StackService stacks) {
        this.stacks = stacks;
    }

    @Override
    public Map<String, Object> handle(InboundMessage.Command command, ControlPlaneMessages messages)
            throws CommandFailedException {
        String project = StackPayloads.requiredString(command.payload(), "project");
        try {
            List<StackContainer> containers = stacks.status(project);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("project", project);
            result.put("running", containers.stream().filter(c -> "running".equals(c.state())).count());
            result.put("containers", StackPayloads.containers(containers));
            return result;
        } catch (ComposeFileException e) {
            throw new CommandFailedException(e.getMessage(), e);
        } catch (RuntimeOperationException e) {
            throw new CommandFailedException("could not read stack " + project + ": " + e.getMessage(), e);
        }
    }
}
