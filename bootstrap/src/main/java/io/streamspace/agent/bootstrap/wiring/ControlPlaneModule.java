package io.streamspace.agent.bootstrap.wiring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.Multibinds;
import io.streamspace.agent.adapter.host.FileCommandJournal;
import io.streamspace.agent.adapter.host.FileOutbox;
import io.streamspace.agent.adapter.websocket.ControlPlaneEndpoints;
import io.streamspace.agent.adapter.websocket.ProtocolCodec;
import io.streamspace.agent.adapter.websocket.StreamSpaceGateway;
import io.streamspace.agent.application.port.in.HandleControlPlaneCommand;
import io.streamspace.agent.application.port.in.ServeControlPlane;
import io.streamspace.agent.application.port.out.CommandJournal;
import io.streamspace.agent.application.port.out.ControlPlaneGateway;
import io.streamspace.agent.application.port.out.RegistrationRequest;
import io.streamspace.agent.application.service.ActiveSessions;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.CommandRouter;
import io.streamspace.agent.application.service.ControlPlaneLinkService;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.application.service.LinkListener;
import io.streamspace.agent.application.service.LinkSettings;
import io.streamspace.agent.application.service.SessionCommandQueue;
import io.streamspace.agent.application.service.SettledCommandJournal;
import io.streamspace.agent.application.service.VncTunnelInbound;
import io.streamspace.agent.application.service.metrics.CommandOutcomeListener;
import io.streamspace.agent.application.service.panel.PanelEvents;
import io.streamspace.agent.bootstrap.config.AgentVersion;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.domain.link.ReconnectBackoff;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** The control-plane link: the StreamSpace adapter, the reconnecting link service and the command router. */
@Module
public abstract class ControlPlaneModule {

    private ControlPlaneModule() {
    }

    @Binds
    abstract ControlPlaneGateway gateway(StreamSpaceGateway gateway);

    /** Every message the services send passes the status panel's event feed on its way to the link. */
    @Provides
    @Singleton
    static ControlPlaneMessages messages(ControlPlaneLinkService link, PanelEvents events) {
        return events.messages(link);
    }

    @Binds
    abstract ServeControlPlane serve(ControlPlaneLinkService link);

    @Multibinds
    abstract Set<LinkListener> linkListeners();

    @Multibinds
    abstract Map<String, CommandHandler> commandHandlers();

    /** Every command the link dispatches passes the status panel's event feed on its way to the router. */
    @Provides
    @Singleton
    static HandleControlPlaneCommand commands(CommandRouter router, PanelEvents events) {
        return events.commands(router);
    }

    /** Acks at once; the per-session queue decides when each command's work runs. */
    @Provides
    @Singleton
    static CommandRouter router(Map<String, CommandHandler> handlers, ControlPlaneMessages messages,
                                              SessionCommandQueue queue, CommandJournal journal,
                                              CommandOutcomeListener outcomes, PanelEvents events) {
        return CommandRouter.scheduledBy(handlers, messages, events.scheduler(queue), journal, outcomes);
    }

    @Provides
    @Singleton
    static FileOutbox outbox(AgentConfiguration config) {
        return FileOutbox.open(config.outboxDir());
    }

    /**
     * Acknowledged, unanswered commands, beside the outbox and under its lock (so opened after it), settled against
     * what the outbox holds before anything is sent: a command whose answer waits there is not answered again.
     */
    @Provides
    @Singleton
    static CommandJournal commandJournal(FileOutbox outbox) {
        return SettledCommandJournal.settle(FileCommandJournal.open(outbox.directory().resolve("commands")), outbox);
    }

    @Provides
    @Singleton
    static ObjectMapper objectMapper() {
        return new ObjectMapper();
    }

    @Provides
    @Singleton
    static ProtocolCodec codec(ObjectMapper json, Clock clock) {
        return new ProtocolCodec(json, clock);
    }

    @Provides
    @Singleton
    static StreamSpaceGateway streamSpaceGateway(AgentConfiguration config, ObjectMapper json, ProtocolCodec codec) {
        return new StreamSpaceGateway(new ControlPlaneEndpoints(config.controlPlaneUrl()), config.agentId(),
                config.apiKey(), json, codec, StreamSpaceGateway.Timeouts.DEFAULT);
    }

    @Provides
    @Singleton
    static LinkSettings linkSettings(AgentConfiguration config, ReconnectBackoff backoff) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("dockerHost", config.dockerHost());
        metadata.put("networkName", config.network());
        metadata.put("version", AgentVersion.current());
        RegistrationRequest registration = new RegistrationRequest(config.agentId().value(), config.platform(),
                config.region(), config.capacity(), metadata);
        return new LinkSettings(registration, config.heartbeatInterval(), backoff, Duration.ofSeconds(30),
                Duration.ofSeconds(30));
    }

    @Provides
    static ReconnectBackoff reconnectBackoff() {
        return ReconnectBackoff.DEFAULT;
    }

    @Provides
    @Singleton
    static ControlPlaneLinkService link(ControlPlaneGateway gateway, LinkSettings settings,
                                       Provider<HandleControlPlaneCommand> commands, ActiveSessions activeSessions,
                                       Set<LinkListener> listeners, FileOutbox outbox, VncTunnelInbound vnc,
                                       Clock clock) {
        return new ControlPlaneLinkService(gateway, settings, commands::get, activeSessions,
                new ArrayList<>(listeners), () -> ThreadLocalRandom.current().nextDouble(), outbox, vnc, clock);
    }
}
