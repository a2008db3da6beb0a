package io.streamspace.agent.application.port.in;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The agent's sessions as the MCP gateway offers them: list, inspect, hibernate and wake. Hibernate and wake are
 * asked of the session agent itself (its status panel's session actions), which runs the control plane's handlers in
 * its own command queue, so capacity, ownership, the hibernate mode and the reports to the control plane are the
 * agent's. Without a session agent to ask they refuse ({@link SessionAgentRequiredException}).
 */
public interface ManageAgentSessions {

    SessionListing list();

    AgentSession inspect(String sessionId);

    SessionChange hibernate(String sessionId) throws InterruptedException;

    SessionChange wake(String sessionId) throws InterruptedException;

    /**
     * Sessions and where their description comes from.
     *
     * @param source           {@code agent} (the session agent's own view) or {@code engine} (the containers)
     * @param agentUnavailable why the agent's view is not shown although a session agent is configured; else null
     */
    record SessionListing(String source, String agentUnavailable, List<AgentSession> sessions) {
        public SessionListing {
            sessions = List.copyOf(sessions);
        }
    }

    /**
     * A session.
     *
     * @param state          as the agent reported it to the control plane when {@code source} is {@code agent};
     *                       else the container's state (running, paused, exited, ...)
     * @param containerState the container's state; null when it has none yet
     * @param created        when the session (its container) started or was created
     * @param lastActivity   the last VNC activity the agent saw; null when unknown
     * @param history        the states the agent reported, oldest first (empty from the engine)
     * @param source         {@code agent} or {@code engine}
     * @param note           why the agent's view is missing although a session agent is configured; else null
     */
    record AgentSession(String sessionId, String agentId, String container, String image, String state,
                        String containerState, String user, String template, Instant created, Instant lastActivity,
                        List<StateReport> history, String source, String note) {
        public AgentSession {
            history = history == null ? List.of() : List.copyOf(history);
        }
    }

    /** A state the agent reported for a session. */
    record StateReport(Instant at, String state, String message) {}

    /**
     * What a hibernate or wake did.
     *
     * @param via           who did it (the session agent's panel location)
     * @param result        the command result the control plane would have received
     * @param statusReports the {@code status} messages the agent reported meanwhile ({@code hibernated},
     *                      {@code running}, ...)
     */
    record SessionChange(String sessionId, String via, Map<String, Object> result, List<String> statusReports) {
        public SessionChange {
            result = Map.copyOf(result);
            statusReports = List.copyOf(statusReports);
        }
    }
}
