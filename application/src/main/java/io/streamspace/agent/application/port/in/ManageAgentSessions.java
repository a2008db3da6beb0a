package io.streamspace.agent.application.port.in;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The agent's sessions as the MCP gateway offers them: list, inspect, hibernate and wake. Hibernate and wake run the
 * same handlers as the control plane's {@code hibernate_session} and {@code wake_session} commands, so capacity,
 * ownership and the hibernate mode apply exactly as they do there.
 */
public interface ManageAgentSessions {

    List<AgentSession> list();

    AgentSession inspect(String sessionId);

    SessionChange hibernate(String sessionId) throws InterruptedException;

    SessionChange wake(String sessionId) throws InterruptedException;

    /**
     * A session container.
     *
     * @param state the container's state (running, paused, exited, ...)
     */
    record AgentSession(String sessionId, String agentId, String container, String image, String state, String user,
                        String template, Instant created) {}

    /**
     * What a hibernate or wake did.
     *
     * @param result        the command result the control plane would have received
     * @param statusReports the {@code status} messages the handler produced ({@code hibernated}, {@code running}, ...)
     */
    record SessionChange(String sessionId, Map<String, Object> result, List<String> statusReports) {
        public SessionChange {
            result = Map.copyOf(result);
            statusReports = List.copyOf(statusReports);
        }
    }
}
