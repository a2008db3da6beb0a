package io.streamspace.agent.bootstrap.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.compose.ComposeYaml;
import io.streamspace.agent.adapter.docker.compose.DockerStackRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.stack.DeployStackHandler;
import io.streamspace.agent.application.service.stack.RemoveStackHandler;
import io.streamspace.agent.application.service.stack.StackService;
import io.streamspace.agent.application.service.stack.StackStatusHandler;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Compose stacks on the native engine: the extension actions {@code deploy_stack}, {@code remove_stack} and
 * {@code stack_status} (the real StreamSpace control plane never sends them; a plane that knows them may).
 */
@Module
public final class StacksModule {

    private StacksModule() {
    }

    @Provides
    @Singleton
    static StackService stackService(DockerClients clients, SessionRuntime sessions) {
        // pulls go through the session runtime so registry credentials from config.json are honoured
        DockerStackRuntime runtime = new DockerStackRuntime(clients, image -> sessions.pullImage(image, line -> { }),
                Duration.ofMinutes(2), DockerStackRuntime.DEFAULT_STOP_GRACE);
        return new StackService(runtime, new ComposeYaml());
    }

    @Provides
    @IntoMap
    @StringKey(DeployStackHandler.ACTION)
    static CommandHandler deploy(Provider<StackService> stacks, AgentConfiguration config) {
        return config.composeAgentEnabled() ? notInSidecarMode(DeployStackHandler.ACTION) : new DeployStackHandler(stacks.get());
    }

    @Provides
    @IntoMap
    @StringKey(RemoveStackHandler.ACTION)
    static CommandHandler remove(Provider<StackService> stacks, AgentConfiguration config) {
        return config.composeAgentEnabled() ? notInSidecarMode(RemoveStackHandler.ACTION) : new RemoveStackHandler(stacks.get());
    }

    @Provides
    @IntoMap
    @StringKey(StackStatusHandler.ACTION)
    static CommandHandler status(Provider<StackService> stacks, AgentConfiguration config) {
        return config.composeAgentEnabled() ? notInSidecarMode(StackStatusHandler.ACTION) : new StackStatusHandler(stacks.get());
    }

    /**
     * In sidecar mode every Docker mutation must go through the compose-agent, whose API does not carry stack
     * operations yet: the stack actions say so instead of touching Docker behind the sidecar's back.
     */
    private static CommandHandler notInSidecarMode(String action) {
        return (command, messages) -> {
            throw new CommandFailedException(action + " is not available in sidecar mode yet (the compose-agent's API"
                    + " does not carry stack operations); use legacy mode or 'docker-agent stack' on the host");
        };
    }

    /** The same engine for the {@code docker-agent stack} command line. */
    public static StackService forCommandLine(DockerClients clients) {
        return new StackService(new DockerStackRuntime(clients), new ComposeYaml());
    }
}
