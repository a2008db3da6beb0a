package io.streamspace.agent.bootstrap.wiring;

import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.host.FileOutbox;
import io.streamspace.agent.adapter.websocket.StreamSpaceGateway;
import io.streamspace.agent.application.port.in.ServeControlPlane;
import io.streamspace.agent.application.service.session.SessionEventMonitor;
import io.streamspace.agent.application.service.session.SessionTimers;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session agent's process: follow Docker events, run the idle and lifetime timers, and serve the control
 * plane until stopped. Reconciliation runs after every (re)connect, the first one included.
 */
public final class SessionAgent {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final AgentConfiguration config;
    private final ServeControlPlane controlPlane;
    private final StreamSpaceGateway gateway;
    private final SessionEventMonitor events;
    private final SessionTimers timers;
    private final Duration timerInterval;
    private final FileOutbox outbox;
    private final DockerClients docker;
    private final CountDownLatch finished = new CountDownLatch(1);

    @Inject
    public SessionAgent(AgentConfiguration config, ServeControlPlane controlPlane, StreamSpaceGateway gateway,
                        SessionEventMonitor events, SessionTimers timers,
                        @Named("timerInterval") Duration timerInterval, FileOutbox outbox, DockerClients docker) {
        this.config = config;
        this.controlPlane = controlPlane;
        this.gateway = gateway;
        this.events = events;
        this.timers = timers;
        this.timerInterval = timerInterval;
        this.outbox = outbox;
        this.docker = docker;
    }

    /** Serves until {@link #stop()} or a final refusal; returns the process exit code. */
    public int run() throws InterruptedException {
        LOG.info("Starting agent: {} (platform: {}, region: {})", config.agentId(), config.platform(),
                config.region() == null ? "-" : config.region());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("session-timers").factory());
        try {
            startEvents();
            timers.start(scheduler, timerInterval);
            ServeControlPlane.StopReason reason = controlPlane.serve();
            LOG.info("Agent stopped ({})", reason.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            return reason == ServeControlPlane.StopReason.REJECTED_BY_CONTROL_PLANE ? 1 : 0;
        } finally {
            timers.close();
            scheduler.shutdownNow();
            events.close();
            gateway.close();
            outbox.close();
            docker.close();
            finished.countDown();
        }
    }

    private void startEvents() {
        try {
            events.start();
        } catch (RuntimeException e) {
            // an unreachable engine must not keep the agent from answering the control plane
            LOG.error("Cannot follow Docker events: {}", e.getMessage());
        }
    }

    /** Graceful stop, e.g. from SIGTERM: closes the link and waits briefly for {@link #run()} to return. */
    public void stop() {
        controlPlane.stop();
        try {
            finished.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
