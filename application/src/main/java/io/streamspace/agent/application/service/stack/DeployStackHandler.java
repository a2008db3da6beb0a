package io.streamspace.agent.application.service.stack;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime.UpResult;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.domain.compose.ComposeFileException;
import io.streamspace.agent.domain.compose.ComposeParser.EnvFiles;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * {@code deploy_stack}: brings a Compose project up (idempotent; only changed services are recreated).
 *
 * <p>Payload:
 * <pre>{@code
 * {"project": "shop",                 // optional when the file has a top-level name; [a-z0-9][a-z0-9_-]*
 *  "compose": "services:\n  web: ...", // required: the Compose file's text (YAML)
 *  "env": {"TAG": "1.2"},             // optional: variables for interpolation (win over dotenv)
 *  "dotenv": "TAG=1.1\n",             // optional: the text of a .env file
 *  "profiles": ["debug"]}             // optional: active profiles
 * }</pre>
 * {@code env_file} is refused (the stack has no directory on this host). Result: {@code project}, {@code created},
 * {@code recreated}, {@code unchanged}, {@code started} (service names) and {@code containers} (as in
 * {@code stack_status}). A file outside the supported subset fails with the key's path
 * ({@code compose file rejected: services.web.build: not supported by this engine}).
 */
public final class DeployStackHandler implements CommandHandler {

    public static final String ACTION = "deploy_stack";

    private final StackService stacks;

    public DeployStackHandler(StackService stacks) {
        this.stacks = stacks;
    }

    @Override
    public Map<String, Object> handle(InboundMessage.Command command, ControlPlaneMessages messages)
            throws CommandFailedException, InterruptedException {
        Map<String, Object> payload = command.payload();
        StackDefinition definition = new StackDefinition(
                StackPayloads.optionalString(payload, "project"),
                StackPayloads.requiredString(payload, "compose"),
                "deploy_stack:" + command.commandId(),
                StackPayloads.stringMap(payload, "env"),
                StackPayloads.optionalString(payload, "dotenv"),
                new LinkedHashSet<>(StackPayloads.stringList(payload, "profiles")),
                null, EnvFiles.NONE);
        try {
            UpResult up = stacks.deploy(definition);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("project", up.project());
            result.put("created", up.created());
            result.put("recreated", up.recreated());
            result.put("unchanged", up.unchanged());
            result.put("started", up.started());
            result.put("containers", StackPayloads.containers(stacks.status(up.project())));
            return result;
        } catch (ComposeFileException e) {
            throw new CommandFailedException("compose file rejected: " + e.getMessage(), e);
        } catch (RuntimeOperationException e) {
            throw new CommandFailedException("could not deploy stack: " + e.getMessage(), e);
        }
    }
}
