package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One row of the CP's sessions table. Guarded by the state lock. */
final class SessionRow {
    final String sessionId;
    String agentId;
    String state;
    JsonNode lastPayload;
    final List<String> history = new ArrayList<>();
    Instant updatedAt;

    SessionRow(String sessionId) {
        this.sessionId = sessionId;
    }

    void update(String agent, String newState, JsonNode payload, Instant now) {
        agentId = agent;
        state = newState;
        lastPayload = payload;
        history.add(newState);
        updatedAt = now;
    }

    SessionState snapshot() {
        return new SessionState(sessionId, agentId, state, lastPayload, List.copyOf(history), updatedAt);
    }
}
