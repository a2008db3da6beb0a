package io.streamspace.agent.bootstrap.wiring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.streamspace.agent.adapter.host.ProcHostMetrics;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.in.SuperviseSidecar;
import io.streamspace.agent.application.port.out.HostMetrics;
import io.streamspace.agent.application.service.metrics.AgentStatusService;
import io.streamspace.agent.application.service.metrics.CommandMetricsRecorder;
import io.streamspace.agent.application.service.metrics.CommandOutcomeListener;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.bootstrap.config.AgentVersion;
import io.streamspace.agent.domain.metrics.CommandMetrics;
import io.streamspace.agent.application.service.secret.TokenRefresher;
import io.streamspace.agent.adapter.http.StatusPanel;
import io.streamspace.agent.application.port.in.DescribeAgent;
import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.port.out.SecretStore;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.ControlPlaneLinkService;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.application.service.SessionCommandQueue;
import io.streamspace.agent.application.service.panel.AgentEventFeed;
import io.streamspace.agent.application.service.panel.AgentOverviewService;
import io.streamspace.agent.application.service.panel.LeadershipView;
import io.streamspace.agent.application.service.panel.PanelEvents;
import io.streamspace.agent.application.service.panel.SessionActionService;
import io.streamspace.agent.application.service.panel.SessionHistory;
import io.streamspace.agent.application.service.panel.SessionOverviewService;
import io.streamspace.agent.application.service.session.SessionRegistry;
import io.streamspace.agent.application.service.session.SessionSettings;
import io.streamspace.agent.domain.capacity.CapacityLimits;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.Executor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Command execution metrics (fed by the command router) and the status API that serves them, with the sidecar
 * watchdog's state in sidecar mode; the status panel: its event feed, the sessions and agent views and the session
 * actions.
 */
@Module
public abstract class StatusModule {

    private StatusModule() {
    }

    @Binds
    abstract CommandOutcomeListener commandOutcomes(CommandMetricsRecorder recorder);

    @Binds
    abstract QueryAgentStatus queryStatus(AgentStatusService service);

    @Provides
    @Singleton
    static CommandMetricsRecorder commandMetrics(AgentConfiguration config, Clock clock) {
        return new CommandMetricsRecorder(config.controlPlane(), new CommandMetrics(), clock);
    }

    @Provides
    @Singleton
    static HostMetrics hostMetrics() {
        return ProcHostMetrics.system();
    }

    @Provides
    @Singleton
    static AgentStatusService status(CommandMetricsRecorder metrics, HostMetrics host, AgentConfiguration config,
                                     TokenRefresher tokens, Clock clock, Optional<SuperviseSidecar> watchdog,
                                     EngineIdentity engine) {
        // What this build really offers; compose, logs, restart and mcp arrive with the sidecar.
        List<String> features = new ArrayList<>(List.of("docker", "sessions", "vnc", "monitoring", "metrics"));
        if (config.enableHa()) {
            features.add("ha");
        }
        return new AgentStatusService(metrics, host, new QueryAgentStatus.Capabilities(config.composeAgentEnabled(),
                config.controlPlane(), AgentVersion.current(), features), tokens, clock, watchdog, engine::runtime);
    }

    @Provides
    @Singleton
    static StatusApi statusApi(AgentConfiguration config, QueryAgentStatus status, ObjectMapper json,
                               Provider<StatusPanel> panel) {
        return new StatusApi(config.statusPort(), config.status(), status, json, panel);
    }

    // --- the status panel -----------------------------------------------------------------------------------

    @Provides
    @Singleton
    static AgentEventFeed eventFeed(Clock clock) {
        return new AgentEventFeed(clock);
    }

    @Provides
    @Singleton
    static SessionHistory sessionHistory() {
        return new SessionHistory();
    }

    @Provides
    @Singleton
    static PanelEvents panelEvents(AgentEventFeed feed, SessionHistory history, Clock clock) {
        return new PanelEvents(feed, history, clock);
    }

    /** Without HA the agent leads alone and never opens a lock; with HA a standby asks the lock who leads. */
    @Provides
    @Singleton
    static LeadershipView leadershipView(AgentEventFeed feed, Clock clock, AgentConfiguration config,
                                         Provider<LeaderLock> lock) {
        return new LeadershipView(feed, clock, config.enableHa(), config.enableHa() ? config.instanceId() : null,
                () -> lock.get().currentHolder());
    }

    @Provides
    @Singleton
    static SessionOverviewService sessionOverview(SessionRuntime runtime, SessionSettings settings,
                                                  SessionRegistry registry, SessionHistory history,
                                                  AgentEventFeed feed, LeadershipView leadership,
                                                  AgentConfiguration config, Clock clock,
                                                  @Named("workers") Executor workers) {
        return new SessionOverviewService(runtime, settings.ownerLabels(), registry, history, feed,
                leadership::leading, config.composeAgentEnabled() ? "sidecar" : "engine", clock, workers);
    }

    /** The panel's actions run the control plane's own handlers in the per-session queue. */
    @Provides
    @Singleton
    static SessionActionService sessionActions(Map<String, CommandHandler> handlers, SessionCommandQueue queue,
                                               ControlPlaneMessages messages, LeadershipView leadership,
                                               AgentEventFeed feed) {
        return new SessionActionService(handlers, queue, messages, leadership::leading, feed);
    }

    @Provides
    @Singleton
    static AgentOverviewService agentOverview(AgentConfiguration config, LeadershipView leadership,
                                              ControlPlaneLinkService link, SessionRuntime runtime,
                                              SessionOverviewService sessions, QueryAgentStatus status,
                                              TokenRefresher tokens, SessionActionService actions, Clock clock) {
        DescribeAgent.Identity identity = new DescribeAgent.Identity(config.agentId().value(), AgentVersion.current(),
                config.platform(), config.region(), "agent", config.controlPlane().wireName(),
                config.composeAgentEnabled() ? "sidecar" : "legacy", leadership.instanceId(), clock.instant());
        return new AgentOverviewService(identity, leadership, link::linkStatus, runtime,
                config.composeAgentEnabled() ? "sidecar" : "docker", sessions,
                CapacityLimits.of(config.maxSessions(), config.maxCpu(), config.maxMemoryGb()), status, tokens,
                actions::counts, clock);
    }

    @Provides
    @Singleton
    static StatusPanel statusPanel(SessionOverviewService sessions, AgentOverviewService agent, AgentEventFeed feed,
                                   SessionActionService actions, AgentConfiguration config,
                                   Optional<SecretStore> vault, Clock clock) {
        return new StatusPanel(sessions, agent, feed, actions, StatusPanels.access(config.status(), vault::orElseThrow,
                clock));
    }
}
