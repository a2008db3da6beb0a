package io.streamspace.agent.bootstrap.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.compose.ComposeYaml;
import io.streamspace.agent.adapter.docker.compose.DockerStackRuntime;
import io.streamspace.agent.adapter.http.sidecar.RemoteStackRuntime;
import io.streamspace.agent.adapter.http.sidecar.SignedSidecarClient;
import io.streamspace.agent.application.port.out.SessionRuntime;
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
 * Compose stacks: the extension actions {@code deploy_stack}, {@code remove_stack} and {@code stack_status} (the
 * real StreamSpace control plane never sends them; a plane that knows them may). Legacy mode runs them on the
 * native engine; sidecar mode ({@code COMPOSE_AGENT_ENABLED=true}) through the compose-agent's signed local API,
 * which needs {@code stacks:write} for the agent id.
 */
@Module
public final class StacksModule {

    private StacksModule() {
    }

    @Provides
    @Singleton
    static StackService stackService(AgentConfiguration config, Provider<DockerClients> dockerClients,
                                     Provider<SignedSidecarClient> sidecar, SessionRuntime sessions) {
        if (config.composeAgentEnabled()) {
            // sidecar mode: the Compose file is parsed here, the compose-agent runs the model (stacks:write)
            return new StackService(new RemoteStackRuntime(sidecar.get()), new ComposeYaml());
        }
        DockerClients clients = dockerClients.get();
        // pulls go through the session runtime so registry credentials from config.json are honoured
        DockerStackRuntime runtime = new DockerStackRuntime(clients, image -> sessions.pullImage(image, line -> { }),
                Duration.ofMinutes(2), DockerStackRuntime.DEFAULT_STOP_GRACE);
        return new StackService(runtime, new ComposeYaml());
    }

    @Provides
    @IntoMap
    @StringKey(DeployStackHandler.ACTION)
    static CommandHandler deploy(StackService stacks) {
        return new DeployStackHandler(stacks);
    }

    @Provides
    @IntoMap
    @StringKey(RemoveStackHandler.ACTION)
    static CommandHandler remove(StackService stacks) {
        return new RemoveStackHandler(stacks);
    }

    @Provides
    @IntoMap
    @StringKey(StackStatusHandler.ACTION)
    static CommandHandler status(StackService stacks) {
        return new StackStatusHandler(stacks);
    }

    /** The same engine for the {@code docker-agent stack} command line. */
    public static StackService forCommandLine(DockerClients clients) {
        return new StackService(new DockerStackRuntime(clients), new ComposeYaml());
    }
}
