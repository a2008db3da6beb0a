package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A session's state as the CP database would hold it: only accepted {@code status} messages change it.
 *
 * @param sessionId   the session id
 * @param agentId     the agent that last reported it
 * @param state       last reported state ({@code running}, {@code hibernated}, {@code terminated}, ...)
 * @param lastPayload the payload of the last accepted {@code status} message
 * @param history     every state reported, in order (repeats included)
 * @param updatedAt   last change
 */
public record SessionState(
        String sessionId,
        String agentId,
        String state,
        JsonNode lastPayload,
        List<String> history,
        Instant updatedAt) {
}
