package io.streamspace.agent.bootstrap.wiring;

import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.host.FileOutbox;
import io.streamspace.agent.adapter.websocket.StreamSpaceGateway;
import io.streamspace.agent.application.port.in.ServeControlPlane;
import io.streamspace.agent.application.port.in.LeadAgent;
import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.application.service.secret.TokenRefresher;
import io.streamspace.agent.application.service.CommandRouter;
import io.streamspace.agent.application.service.SessionCommandQueue;
import io.streamspace.agent.domain.session.GoDuration;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session agent's process. Without HA it leads for its whole life: follow Docker events, run the idle and
 * lifetime timers, serve the control plane. With HA it campaigns, and does all that only during its terms.
 * Reconciliation runs after every (re)connect, the first one included.
 */
public final class SessionAgent {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final AgentConfiguration config;
    private final ServeControlPlane controlPlane;
    private final Provider<LeadAgent> election;
    private final Provider<LeaderLock> lock;
    private final LeadershipActivities leadership;
    private final StreamSpaceGateway gateway;
    private final FileOutbox outbox;
    private final Provider<DockerClients> docker;
    private final StatusApi statusApi;
    private final TokenRefresher tokens;
    private final CommandRouter router;
    private final SessionCommandQueue queue;
    /** Below Docker's default 10 s stop timeout, so the lock is released before a SIGKILL. */
    private static final java.time.Duration SHUTDOWN_GRACE = java.time.Duration.ofSeconds(7);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile LeadAgent leadAgent;

    @Inject
    public SessionAgent(AgentConfiguration config, ServeControlPlane controlPlane, Provider<LeadAgent> election,
                        Provider<LeaderLock> lock, LeadershipActivities leadership, StreamSpaceGateway gateway,
                        FileOutbox outbox, Provider<DockerClients> docker,
                        @Named(WatchdogModule.WATCHDOG) Provider<DockerClients> watchdogDocker, StatusApi statusApi,
                        TokenRefresher tokens, CommandRouter router, SessionCommandQueue queue) {
        // sidecar mode builds no Docker client for the agent's own work, only the watchdog's narrow one
        this.docker = config.composeAgentEnabled() ? watchdogDocker : docker;
        this.tokens = tokens;
        this.router = router;
        this.queue = queue;
        this.config = config;
        this.controlPlane = controlPlane;
        this.election = election;
        this.lock = lock;
        this.leadership = leadership;
        this.gateway = gateway;
        this.outbox = outbox;
        this.statusApi = statusApi;
    }

    /** Serves until {@link #stop()} or a final refusal; returns the process exit code. */
    public int run() throws InterruptedException {
        LOG.info("Starting agent: {} (platform: {}, region: {})", config.agentId(), config.platform(),
                config.region() == null ? "-" : config.region());
        if (!config.composeAgentEnabled()) {
            LOG.warn("compose_agent=false - running in legacy mode");
        } else {
            LOG.info("compose_agent=true - every Docker operation goes through the compose-agent sidecar at {}",
                    config.composeAgentUrl());
        }
        try {
            statusApi.start();
            tokens.start();
            ServeControlPlane.StopReason reason;
            if (config.enableHa()) {
                LOG.info("HA enabled: leader election with the {} backend as instance {}",
                        config.leaderElectionBackend(), config.instanceId());
                try {
                    leadAgent = election.get();
                } catch (RuntimeException e) {
                    // the backend refused to open (not a swarm manager, unwritable lock file, ...): one clear line
                    LOG.error("Cannot start leader election: {}", e.getMessage());
                    return 1;
                }
                leadership.startHandover(config.leaseTiming().retry());
                reason = leadAgent.run();
            } else {
                leadership.leadAlone();
                reason = controlPlane.serve();
            }
            LOG.info("Agent stopped ({})", reason.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            return reason == ServeControlPlane.StopReason.REJECTED_BY_CONTROL_PLANE ? 1 : 0;
        } finally {
            statusApi.close();
            tokens.close();
            leadership.shutdown();
            gateway.close();
            outbox.close();
            docker.get().close();
            if (leadAgent != null && lock.get() instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.warn("Closing the leader lock failed: {}", e.toString());
                }
            }
            finished.countDown();
        }
    }

    /**
     * Refuses new commands (acknowledged and failed, so the control plane can send them again) and lets the
     * commands in flight finish while the link is still up, for at most the shutdown grace; what is still running
     * then is answered by the next process from the command journal.
     */
    private void drainCommands() {
        router.refuseNewCommands("the agent is shutting down; send the command again");
        int running = queue.inFlight();
        if (running == 0) {
            return;
        }
        LOG.info("Finishing {} command(s) in flight before stopping (at most {})", running,
                GoDuration.format(SHUTDOWN_GRACE));
        try {
            if (!queue.awaitIdle(SHUTDOWN_GRACE)) {
                LOG.warn("{} command(s) still running after {}; the next agent process answers them from its"
                        + " command journal", queue.inFlight(), GoDuration.format(SHUTDOWN_GRACE));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Graceful stop, e.g. from SIGTERM: a leader closes the link and releases its lock at once, so a standby
     * takes over within one retry period; waits briefly for {@link #run()} to return.
     */
    public void stop() {
        drainCommands();
        if (config.enableHa()) {
            LeadAgent running = leadAgent;
            if (running != null) {
                running.stop();
            }
        } else {
            controlPlane.stop();
        }
        try {
            finished.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
