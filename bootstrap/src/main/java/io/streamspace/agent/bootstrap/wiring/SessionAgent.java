package io.streamspace.agent.bootstrap.wiring;

import io.streamspace.agent.adapter.websocket.StreamSpaceGateway;
import io.streamspace.agent.application.port.in.ServeControlPlane;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import jakarta.inject.Inject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The session agent's process: connect to the control plane and serve until stopped. */
public final class SessionAgent {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final AgentConfiguration config;
    private final ServeControlPlane controlPlane;
    private final StreamSpaceGateway gateway;
    private final CountDownLatch finished = new CountDownLatch(1);

    @Inject
    public SessionAgent(AgentConfiguration config, ServeControlPlane controlPlane, StreamSpaceGateway gateway) {
        this.config = config;
        this.controlPlane = controlPlane;
        this.gateway = gateway;
    }

    /** Serves until {@link #stop()} or a final refusal; returns the process exit code. */
    public int run() throws InterruptedException {
        LOG.info("Starting agent: {} (platform: {}, region: {})", config.agentId(), config.platform(),
                config.region() == null ? "-" : config.region());
        try {
            ServeControlPlane.StopReason reason = controlPlane.serve();
            LOG.info("Agent stopped ({})", reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            return reason == ServeControlPlane.StopReason.REJECTED_BY_CONTROL_PLANE ? 1 : 0;
        } finally {
            gateway.close();
            finished.countDown();
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
