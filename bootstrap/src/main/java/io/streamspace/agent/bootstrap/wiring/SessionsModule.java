package io.streamspace.agent.bootstrap.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.IntoSet;
import dagger.multibindings.StringKey;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.DockerSessionRuntime;
import io.streamspace.agent.adapter.http.sidecar.RemoteSessionRuntime;
import io.streamspace.agent.adapter.http.sidecar.SignedSidecarClient;
import io.streamspace.agent.application.port.out.TokenSource;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.application.port.out.CommandJournal;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.service.ActiveSessions;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.application.service.LinkListener;
import io.streamspace.agent.application.service.SessionCommandQueue;
import io.streamspace.agent.application.service.session.HibernateMode;
import io.streamspace.agent.application.service.session.HibernateSessionHandler;
import io.streamspace.agent.application.service.session.RunningSessionCount;
import io.streamspace.agent.application.service.session.SessionCapacity;
import io.streamspace.agent.application.service.session.SessionEventMonitor;
import io.streamspace.agent.application.service.session.SessionReconciler;
import io.streamspace.agent.application.service.session.SessionRegistry;
import io.streamspace.agent.application.service.session.SessionSettings;
import io.streamspace.agent.application.service.session.SessionTimers;
import io.streamspace.agent.application.service.session.SessionVnc;
import io.streamspace.agent.application.service.session.StartSessionHandler;
import io.streamspace.agent.application.service.session.StopSessionHandler;
import io.streamspace.agent.application.service.session.WakeSessionHandler;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.domain.capacity.CapacityAdmission;
import io.streamspace.agent.domain.capacity.CapacityLimits;
import jakarta.inject.Named;
import io.streamspace.agent.application.port.out.SecretStore;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/** Sessions on the Docker engine: the runtime adapter, the four session actions, reconciliation, events, timers. */
@Module
public final class SessionsModule {

    private SessionsModule() {
    }

    /**
     * Legacy mode only. In sidecar mode the session agent builds no Docker client: every Docker operation goes through
     * the compose-agent, and asking for one is a wiring error that fails at once (only the watchdog reaches the
     * engine, through its own narrow client, see WatchdogModule).
     */
    @Provides
    @Singleton
    static DockerClients dockerClients(AgentConfiguration config) {
        if (config.composeAgentEnabled()) {
            throw new IllegalStateException("sidecar mode (" + Setting.COMPOSE_AGENT_ENABLED.displayName()
                    + "=true): the session agent builds no Docker client; every Docker operation goes through the"
                    + " compose-agent at " + config.composeAgentUrl());
        }
        return DockerClients.create(config.dockerHost());
    }

    /**
     * Legacy mode: the Docker adapter. Sidecar mode ({@code COMPOSE_AGENT_ENABLED=true}): the same port through the
     * compose-agent sidecar's signed local API, so the session services cannot tell the two apart.
     */
    @Provides
    @Singleton
    static SessionRuntime sessionRuntime(AgentConfiguration config, Provider<DockerClients> clients,
                                         Provider<SignedSidecarClient> sidecar) {
        if (!config.composeAgentEnabled()) {
            // The engine is read when leading begins (LeadershipActivities.describeEngine), on the leader's own
            // thread: with HA a standby must not touch Docker; without HA the first Docker call (~100-150 ms at
            // start-up) runs beside the control-plane registration instead of before it.
            return DockerSessionRuntime.deferred(clients.get());
        }
        return new RemoteSessionRuntime(sidecar.get());
    }

    /**
     * Sidecar mode only: the signed client of the compose-agent's local API, shared by the session and the stack
     * runtime (one token source, one HTTP client).
     */
    @Provides
    @Singleton
    static SignedSidecarClient sidecarClient(AgentConfiguration config, Clock clock, ObjectMapper json,
                                             Optional<SecretStore> vault) {
        TokenSource tokens = SidecarTokens.of(config.composeAgentToken(), config.composeAgentTokenFile());
        if (tokens == null) {
            tokens = VaultModule.composeAgentTokens(vault.orElseThrow(), VaultModule.COMPOSE_AGENT_TOKEN_KEY, clock);
        }
        return new SignedSidecarClient(config.composeAgentUrl(), config.agentId().value(), tokens, json, clock);
    }

    @Provides
    @Singleton
    static SessionSettings sessionSettings(AgentConfiguration config) {
        SessionSettings defaults = SessionSettings.defaults(config.agentId().value());
        return new SessionSettings(config.agentId().value(), config.network(), config.volumeDriver(),
                config.hostAddress(), config.homeMountPath(),
                "pause".equals(config.hibernateMode()) ? HibernateMode.PAUSE : HibernateMode.STOP,
                config.maxParallelStarts(), config.pidsLimit(), defaults.startTimeout(), defaults.stopGrace(),
                defaults.pollInterval());
    }

    @Provides
    @Singleton
    static SessionRegistry sessionRegistry() {
        return new SessionRegistry();
    }

    @Provides
    @Singleton
    static SessionCapacity sessionCapacity(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                                           AgentConfiguration config) {
        return new SessionCapacity(runtime, settings, registry, new CapacityAdmission(
                CapacityLimits.of(config.maxSessions(), config.maxCpu(), config.maxMemoryGb())));
    }

    @Provides
    @Singleton
    static StartSessionHandler start(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                                     SessionCapacity capacity, Clock clock, SessionVnc vnc) {
        return new StartSessionHandler(runtime, settings, registry, capacity, clock, vnc);
    }

    @Provides
    @Singleton
    static StopSessionHandler stop(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                                   SessionVnc vnc) {
        return new StopSessionHandler(runtime, settings, registry, vnc);
    }

    @Provides
    @Singleton
    static HibernateSessionHandler hibernate(SessionRuntime runtime, SessionSettings settings,
                                             SessionRegistry registry, SessionVnc vnc) {
        return new HibernateSessionHandler(runtime, settings, registry, vnc);
    }

    @Provides
    @Singleton
    static WakeSessionHandler wake(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                                   SessionCapacity capacity, Clock clock, SessionVnc vnc) {
        return new WakeSessionHandler(runtime, settings, registry, capacity, clock, vnc);
    }

    @Provides
    @IntoMap
    @StringKey(StartSessionHandler.ACTION)
    static CommandHandler startAction(StartSessionHandler handler) {
        return handler;
    }

    @Provides
    @IntoMap
    @StringKey(StopSessionHandler.ACTION)
    static CommandHandler stopAction(StopSessionHandler handler) {
        return handler;
    }

    @Provides
    @IntoMap
    @StringKey(HibernateSessionHandler.ACTION)
    static CommandHandler hibernateAction(HibernateSessionHandler handler) {
        return handler;
    }

    @Provides
    @IntoMap
    @StringKey(WakeSessionHandler.ACTION)
    static CommandHandler wakeAction(WakeSessionHandler handler) {
        return handler;
    }

    @Provides
    static ActiveSessions activeSessions(SessionRuntime runtime, SessionSettings settings) {
        return new RunningSessionCount(runtime, settings)::count;
    }

    /** Commands for one session run in arrival order; starts are bounded. */
    @Provides
    @Singleton
    static SessionCommandQueue sessionCommandQueue(@Named("workers") Executor workers, SessionSettings settings) {
        return new SessionCommandQueue(workers, settings.maxParallelStarts());
    }

    @Provides
    @Singleton
    @Named("workers")
    static Executor workers() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }

    @Provides
    @Singleton
    static SessionReconciler reconciler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                                        Provider<ControlPlaneMessages> messages, Clock clock,
                                        @Named("workers") Executor workers, CommandJournal journal,
                                        SessionVnc vnc) {
        // the link is told about the reconciler when it is built, so it can only be reached lazily here
        return new SessionReconciler(runtime, settings, registry, ControlPlaneMessages.later(messages::get), clock,
                workers, journal, vnc);
    }

    @Provides
    @IntoSet
    static LinkListener reconcileAfterConnect(SessionReconciler reconciler) {
        return reconciler;
    }

    @Provides
    @Singleton
    static SessionEventMonitor eventMonitor(SessionRuntime runtime, SessionSettings settings,
                                            SessionRegistry registry, ControlPlaneMessages messages) {
        return new SessionEventMonitor(runtime, settings, registry, messages);
    }

    @Provides
    @Singleton
    static SessionTimers timers(Clock clock, SessionRegistry registry, SessionCommandQueue queue,
                                HibernateSessionHandler hibernate, StopSessionHandler stop,
                                ControlPlaneMessages messages) {
        return new SessionTimers(clock, registry, queue, hibernate, stop, messages);
    }
}
