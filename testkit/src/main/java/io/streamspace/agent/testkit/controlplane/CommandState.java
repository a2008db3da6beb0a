package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A command row as the CP's {@code agent_commands} table would hold it.
 *
 * @param commandId the command id
 * @param agentId   the target agent
 * @param action    e.g. {@code start_session}
 * @param payload   the command payload that was sent
 * @param status    current status (the CP updates it blindly on every ack/complete/failed)
 * @param error     error text from {@code failed} (or "agent not connected"), else {@code null}
 * @param result    {@code result} from {@code complete}, else {@code null}
 * @param history   every status the row went through, in order, starting with {@code PENDING}
 * @param updatedAt last change
 */
public record CommandState(
        String commandId,
        String agentId,
        String action,
        JsonNode payload,
        Status status,
        String error,
        JsonNode result,
        List<Status> history,
        Instant updatedAt) {

    public enum Status {
        PENDING,
        ACKED,
        COMPLETED,
        FAILED
    }
}
