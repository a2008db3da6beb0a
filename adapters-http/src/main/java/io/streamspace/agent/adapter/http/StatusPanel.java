package io.streamspace.agent.adapter.http;

import io.streamspace.agent.application.port.in.ActOnSession;
import io.streamspace.agent.application.port.in.DescribeAgent;
import io.streamspace.agent.application.port.in.FollowAgentEvents;
import io.streamspace.agent.application.port.in.QuerySessions;
import java.time.Duration;
import java.util.Objects;

/**
 * The status panel's parts of the status API: the dashboard, the sessions and agent routes, the event stream and
 * the session actions, with who may use them.
 *
 * @param actions        null where the role offers no session actions (the compose-agent)
 * @param heartbeat      how often an idle event stream gets a keep-alive comment
 * @param maxEventClients event streams served at once; more get 503
 */
public record StatusPanel(QuerySessions sessions, DescribeAgent agent, FollowAgentEvents events, ActOnSession actions,
                          StatusAccess access, Duration heartbeat, int maxEventClients) {

    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    public static final int DEFAULT_MAX_EVENT_CLIENTS = 64;

    public StatusPanel {
        Objects.requireNonNull(sessions);
        Objects.requireNonNull(agent);
        Objects.requireNonNull(events);
        Objects.requireNonNull(access);
        Objects.requireNonNull(heartbeat);
        if (maxEventClients < 1) {
            throw new IllegalArgumentException("maxEventClients must be at least 1");
        }
    }

    public StatusPanel(QuerySessions sessions, DescribeAgent agent, FollowAgentEvents events, ActOnSession actions,
                       StatusAccess access) {
        this(sessions, agent, events, actions, access, DEFAULT_HEARTBEAT, DEFAULT_MAX_EVENT_CLIENTS);
    }
}
