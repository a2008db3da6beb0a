package io.streamspace.agent.testkit.controlplane;

import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.AgentConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CP's timers: the periodic liveness check (no heartbeat within the liveness timeout: OFFLINE and dropped)
 * and read-deadline check (no pong within the read deadline: dropped), and the per-socket WebSocket pings.
 */
final class LivenessMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneSimulator.LOGGER_NAME);

    private final SimulatorState state;
    private final Duration livenessTimeout;
    private final Duration livenessCheckInterval;
    private final Duration pingInterval;
    private final Duration readDeadline;

    /** One per run; written by the simulator's start/stop under its monitor. */
    private ScheduledExecutorService scheduler;

    LivenessMonitor(SimulatorState state, Duration livenessTimeout, Duration livenessCheckInterval,
                    Duration pingInterval, Duration readDeadline) {
        this.state = state;
        this.livenessTimeout = livenessTimeout;
        this.livenessCheckInterval = livenessCheckInterval;
        this.pingInterval = pingInterval;
        this.readDeadline = readDeadline;
    }

    void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cp-sim-liveness");
            t.setDaemon(true);
            return t;
        });
        long every = livenessCheckInterval.toMillis();
        scheduler.scheduleAtFixedRate(this::checkLiveness, every, every, TimeUnit.MILLISECONDS);
    }

    void stop() {
        scheduler.shutdownNow();
    }

    /** Starts the CP's pings on a newly opened socket (unless pings are disabled or the run is over). */
    void schedulePings(AgentConnection conn) {
        ScheduledExecutorService s = scheduler;
        if (s != null && !pingInterval.isZero()) {
            try {
                long every = pingInterval.toMillis();
                conn.pinger = s.scheduleAtFixedRate(conn::ping, every, every, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                LOG.debug("cannot schedule pings: {}", e.toString());
            }
        }
    }

    private void checkLiveness() {
        try {
            Instant now = Instant.now();
            List<AgentConnection> toDrop = new ArrayList<>();
            synchronized (state.lock) {
                for (AgentRow row : state.agents.values()) {
                    if (row.status == AgentStatus.ONLINE && row.lastHeartbeat != null
                            && Duration.between(row.lastHeartbeat, now).compareTo(livenessTimeout) > 0) {
                        row.status = AgentStatus.OFFLINE;
                        LOG.info("agent {} timed out: no heartbeat for more than {} s", row.agentId,
                                livenessTimeout.toMillis() / 1000.0);
                        AgentConnection c = state.connections.remove(row.agentId);
                        if (c != null) {
                            toDrop.add(c);
                        }
                    }
                }
                for (AgentConnection c : List.copyOf(state.connections.values())) {
                    Instant last = c.lastPong == null ? c.connectedAt : c.lastPong;
                    if (Duration.between(last, now).compareTo(readDeadline) > 0) {
                        LOG.info("agent {}: read deadline exceeded (no pong for {})", c.agentId, readDeadline);
                        state.connections.remove(c.agentId);
                        toDrop.add(c);
                    }
                }
                state.lock.notifyAll();
            }
            toDrop.forEach(AgentConnection::drop);
        } catch (RuntimeException e) {
            LOG.warn("liveness check failed", e);
        }
    }
}
