package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One line (newline-separated message) an agent sent over its WebSocket, as the simulator decoded it.
 *
 * @param agentId          the agent id of the socket it arrived on
 * @param raw              the line as received (without the newline)
 * @param type             the envelope {@code type} if it was a JSON string, else {@code null}
 * @param payload          the envelope {@code payload} (may be {@code null} when absent or not parseable)
 * @param accepted         {@code true} if the real CP would have decoded and processed it
 * @param dropReason       why the real CP would ignore it ({@code null} when accepted)
 * @param receivedAt       arrival time
 * @param connectionNumber 1 for the agent's first accepted socket, 2 for the next, ...
 * @param agentEpoch       {@code payload.agentEpoch} when present as an integer (HA fencing extension), else {@code null}
 */
public record ReceivedMessage(
        String agentId,
        String raw,
        String type,
        JsonNode payload,
        boolean accepted,
        String dropReason,
        Instant receivedAt,
        int connectionNumber,
        Long agentEpoch) {

    /** Convenience: {@code accepted() && type.equals(type())}. */
    public boolean isAccepted(String expectedType) {
        return accepted && expectedType.equals(type);
    }

    /** Convenience: text of {@code payload.<field>}, or {@code null}. */
    public String payloadText(String field) {
        if (payload == null || !payload.hasNonNull(field)) {
            return null;
        }
        return payload.get(field).asText();
    }
}
