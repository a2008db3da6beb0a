package io.streamspace.agent.application.service.stack;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime.DownResult;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.domain.compose.ComposeFileException;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code remove_stack}: {@code {"project": "shop", "volumes": false}} takes the project down like
 * {@code docker compose down [-v]}: its containers and networks, and with {@code volumes: true} its (non-external)
 * volumes. Idempotent: a project that is already gone is a success with empty lists. Result: {@code project},
 * {@code containersRemoved}, {@code networksRemoved}, {@code volumesRemoved}.
 */
public final class RemoveStackHandler implements CommandHandler {

    public static final String ACTION = "remove_stack";

    private final StackService stacks;

    public RemoveStackHandler(StackService stacks) {
        this.stacks = stacks;
    }

    @Override
    public Map<String, Object> handle(InboundMessage.Command command, ControlPlaneMessages messages)
            throws CommandFailedException, InterruptedException {
        String project = StackPayloads.requiredString(command.payload(), "project");
        boolean volumes = StackPayloads.optionalBoolean(command.payload(), "volumes");
        try {
            DownResult down = stacks.remove(project, volumes);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("project", down.project());
            result.put("containersRemoved", down.containers());
            result.put("networksRemoved", down.networks());
            result.put("volumesRemoved", down.volumes());
            return result;
        } catch (ComposeFileException e) {
            throw new CommandFailedException(e.getMessage(), e);
        } catch (RuntimeOperationException e) {
            throw new CommandFailedException("could not remove stack " + project + ": " + e.getMessage(), e);
        }
    }
}
