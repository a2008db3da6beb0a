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
import io.streamspace.agent.application.port.out.AnswerHandover;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What only the leader does besides serving the link: stamp its fencing epoch on every message, follow Docker
 * events and run the idle and lifetime timers. Without HA the agent is its own leader for its whole life.
 *
 * <p>With HA the Docker-facing start of a term runs on this class's own thread, never on the election's: the
 * election thread renews the lease, and a renewal must never wait for Docker (a slow first Docker call under load
 * used to outlast the renew deadline, so the term expired before the agent started). Also with HA, every retry
 * period: a leader takes the results other replicas handed over, a replica that does not lead hands over what its
 * outbox still holds (ADR 0015).
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
    private final Provider<AnswerHandover> handover;
    /** Counts terms; a term's start that runs late checks it is still the current one. */
    private final AtomicLong terms = new AtomicLong();
    private final Object phase = new Object();
    private volatile boolean leading;
    private volatile ScheduledFuture<?> sweep;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("session-timers").factory());
    /** Its own thread: a frozen store must not hold up the timers, nor a slow engine the hand-over. */
    private final ScheduledExecutorService exchanges = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("result-handover").factory());

    @Inject
    public LeadershipActivities(ProtocolCodec codec, ControlPlaneLinkService link, SessionEventMonitor events,
                                SessionTimers timers, AgentConfiguration config, SessionRuntime runtime,
                                Optional<SuperviseSidecar> watchdog, EngineIdentity engine,
                                SessionReconciler reconciler, Provider<AnswerHandover> handover) {
        this.handover = handover;
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
        beginTerm();
    }

    /** HA: moves results between the replicas through the lock's store, every {@code period} (ADR 0015). */
    void startHandover(java.time.Duration period) {
        AnswerHandover store = handover.get();
        if (store instanceof AnswerHandover.None) {
            return;
        }
        exchanges.scheduleWithFixedDelay(() -> exchange(store), 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void exchange(AnswerHandover store) {
        try {
            if (leading) {
                link.takeHandedOver(store);
            } else {
                link.handOverPending(store);
            }
        } catch (RuntimeException e) {
            LOG.warn("Exchanging handed-over results through the {} failed (retrying): {}", store, e.getMessage());
        }
    }

    /**
     * The runtime has not contacted Docker yet (see SessionsModule): say which engine this term works with. In
     * sidecar mode the engine is the compose-agent's, reached through its API.
     */
    private void describeEngine(long term) {
        try {
            SessionRuntime.RuntimeInfo info = runtime.info();
            engine.record(info);
            LOG.info("{} at {}", io.streamspace.agent.adapter.docker.DockerSessionRuntime.describe(info),
                    config.composeAgentEnabled() ? "the compose-agent " + config.composeAgentUrl() : config.dockerHost());
        } catch (RuntimeException e) {
            if (terms.get() != term) {
                return; // the term ended (or the agent stopped and closed its clients) while the engine was asked
            }
            LOG.error("{}; session commands will fail until the engine is reachable", e.getMessage());
        }
    }

    @Override
    public void onLeadershipLost(LeaderLock.Lease lease) {
        leading = false;
        terms.incrementAndGet();
        synchronized (phase) {
            end();
        }
        // The epoch stays on the codec: this term's link is stopped only after the listeners were told, and whatever
        // it still sends until then (a refusal, a result) belongs to this term and must carry its epoch. The next
        // term sets its own before its link starts.
    }

    /**
     * Without HA the agent leads for its whole life: its Docker-facing start (reading the engine, following its
     * events) runs on this class's thread, so the caller goes on to register with the control plane meanwhile.
     */
    void leadAlone() {
        beginTerm();
    }

    private void beginTerm() {
        long term = terms.incrementAndGet();
        leading = true;
        scheduler.execute(() -> {
            describeEngine(term);
            synchronized (phase) {
                if (terms.get() == term) {
                    begin();
                }
            }
        });
    }

    /** Starts the leader's Docker-facing work, after {@link #describeEngine(long)}. */
    private void begin() {
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
        terms.incrementAndGet(); // a term's start still queued or reading the engine must not begin after this
        synchronized (phase) {
            end();
        }
        scheduler.shutdownNow();
        exchanges.shutdownNow();
    }
}
