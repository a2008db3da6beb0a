package io.streamspace.agent.bootstrap.wiring;

import io.streamspace.agent.adapter.websocket.ProtocolCodec;
import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.service.ControlPlaneLinkService;
import io.streamspace.agent.application.service.election.LeadershipListener;
import io.streamspace.agent.application.service.session.SessionEventMonitor;
import io.streamspace.agent.application.service.session.SessionReconciler;
import io.streamspace.agent.application.service.session.SessionTimers;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.application.port.in.SuperviseSidecar;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What only the leader does besides serving the link: stamp its fencing epoch on every message, follow Docker
 * events and run the idle and lifetime timers. Without HA the agent is its own leader for its whole life.
 */
@Singleton
public final class LeadershipActivities implements LeadershipListener {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final ProtocolCodec codec;
    private final ControlPlaneLinkService link;
    private final SessionEventMonitor events;
    private final SessionTimers timers;
    private final AgentConfiguration config;
    private final Optional<SuperviseSidecar> watchdog;
    private final SessionRuntime runtime;
    private final EngineIdentity engine;
    private final SessionReconciler reconciler;
    private volatile ScheduledFuture<?> sweep;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("session-timers").factory());

    @Inject
    public LeadershipActivities(ProtocolCodec codec, ControlPlaneLinkService link, SessionEventMonitor events,
                                SessionTimers timers, AgentConfiguration config, SessionRuntime runtime,
                                Optional<SuperviseSidecar> watchdog, EngineIdentity engine,
                                SessionReconciler reconciler) {
        this.reconciler = reconciler;
        this.engine = engine;
        this.watchdog = watchdog;
        this.codec = codec;
        this.runtime = runtime;
        this.link = link;
        this.events = events;
        this.timers = timers;
        this.config = config;
    }

    @Override
    public void onLeadershipAcquired(LeaderLock.Lease lease) {
        codec.agentEpoch(OptionalLong.of(lease.epoch().value()));
        link.prepareNewTerm();
        describeEngine();
        begin();
    }

    /**
     * A standby never contacted Docker (see SessionsModule): say which engine this term works with. In sidecar mode
     * the engine is the compose-agent's, reached through its API.
     */
    private void describeEngine() {
        try {
            SessionRuntime.RuntimeInfo info = runtime.info();
            engine.record(info);
            LOG.info("{} at {}", io.streamspace.agent.adapter.docker.DockerSessionRuntime.describe(info),
                    config.composeAgentEnabled() ? "the compose-agent " + config.composeAgentUrl() : config.dockerHost());
        } catch (RuntimeException e) {
            LOG.error("{}; session commands will fail until the engine is reachable", e.getMessage());
        }
    }

    @Override
    public void onLeadershipLost(LeaderLock.Lease lease) {
        end();
        codec.agentEpoch(OptionalLong.empty());
    }

    /** Starts the leader's Docker-facing work (called directly when HA is off). */
    void begin() {
        if (config.composeAgentEnabled() && engine.runtime().isEmpty()) {
            describeEngine(); // the engine behind the sidecar (legacy mode logged its own when it connected)
        }
        try {
            events.start();
        } catch (RuntimeException e) {
            // an unreachable engine must not keep the agent from answering the control plane
            LOG.error("Cannot follow Docker events: {}", e.getMessage());
        }
        timers.start(scheduler, config.sessionCheckInterval());
        long every = config.orphanGrace().toMillis();
        sweep = scheduler.scheduleWithFixedDelay(this::sweepOrphans, every, every, TimeUnit.MILLISECONDS);
        watchdog.ifPresent(SuperviseSidecar::start);
    }

    private void sweepOrphans() {
        try {
            reconciler.sweep(config.orphanGrace());
        } catch (RuntimeException e) {
            LOG.warn("Periodic reconciliation failed: {}", e.getMessage());
        }
    }

    /** Stops it; safe to call when nothing runs. */
    void end() {
        ScheduledFuture<?> running = sweep;
        if (running != null) {
            running.cancel(false);
            sweep = null;
        }
        watchdog.ifPresent(SuperviseSidecar::stop);
        timers.close();
        events.close();
    }

    void shutdown() {
        end();
        scheduler.shutdownNow();
    }
}
