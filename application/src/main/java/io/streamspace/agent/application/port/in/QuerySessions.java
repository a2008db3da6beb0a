package io.streamspace.agent.application.port.in;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The sessions this process manages, as the status panel shows them. */
public interface QuerySessions {

    SessionList sessions();

    /**
     * @param source      where the data comes from: {@code engine} (this process reads Docker) or {@code sidecar}
     *                    (through the compose-agent's signed API)
     * @param unavailable why no sessions are listed (a standby replica, an unreachable engine); null when listed
     * @param readAt      when the runtime was read
     */
    record SessionList(String source, String unavailable, List<SessionView> sessions, Instant readAt) {
        public SessionList {
            Objects.requireNonNull(source);
            sessions = List.copyOf(sessions);
        }
    }

    /**
     * One session.
     *
     * @param state                the state last reported to the control plane (or derived from the container)
     * @param containerStatus      the engine's view: running, paused, exited, ...
     * @param cpuRequestedMillis   reserved CPU in millicores; 0 when unlimited
     * @param memoryRequestedBytes reserved memory; 0 when unlimited
     * @param cpuUsedCores         CPU in use, in cores, averaged since the previous reading; null until two
     *                             readings exist or when the container does not run
     * @param memoryUsedBytes      memory in use; null when the container does not run
     * @param ports                container port to published host port
     * @param startedAt            first start of the session (its label); null when unknown
     * @param lastActivity         last VNC traffic or wake seen by this process; null when unknown
     * @param operation            the operation running on it now (start_session, ...); null when none
     * @param history              state changes seen by this process, oldest first (bounded)
     */
    record SessionView(String sessionId, String user, String template, String state, String containerName,
                       String containerId, String containerStatus, String image, long cpuRequestedMillis,
                       long memoryRequestedBytes, Double cpuUsedCores, Long memoryUsedBytes,
                       Map<Integer, Integer> ports, Instant startedAt, Instant lastActivity, String operation,
                       List<StateChange> history) {
        public SessionView {
            Objects.requireNonNull(sessionId);
            ports = ports == null ? Map.of() : Map.copyOf(ports);
            history = history == null ? List.of() : List.copyOf(history);
        }
    }

    /** A state the session entered, with the agent's message (null when none). */
    record StateChange(Instant at, String state, String message) {}
}
