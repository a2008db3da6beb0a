package io.streamspace.agent.bootstrap.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.streamspace.agent.adapter.websocket.StreamSpaceGateway;
import io.streamspace.agent.application.service.ControlPlaneLinkService;
import io.streamspace.agent.bootstrap.wiring.SessionAgent;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The `run` role: the session agent. */
@Singleton
@Component(modules = {ControlPlaneModule.class, SessionsModule.class, HighAvailabilityModule.class, VncModule.class, VaultModule.class, StacksModule.class, WatchdogModule.class,
        StatusModule.class})
public interface SessionAgentComponent {

    SessionAgent sessionAgent();

    ControlPlaneLinkService link();

    StreamSpaceGateway gateway();

    StatusApi statusApi();

    @Component.Factory
    interface Factory {
        SessionAgentComponent create(@BindsInstance AgentConfiguration configuration, @BindsInstance Clock clock);
    }

    static SessionAgentComponent create(AgentConfiguration configuration) {
        return DaggerSessionAgentComponent.factory().create(configuration, Clock.systemUTC());
    }
}
