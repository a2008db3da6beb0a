package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One row of the CP's commands table. Guarded by the state lock. */
final class CommandRow {
    final String commandId;
    final String agentId;
    final String action;
    final JsonNode payload;
    CommandState.Status status = CommandState.Status.PENDING;
    String error;
    JsonNode result;
    final List<CommandState.Status> history = new ArrayList<>(List.of(CommandState.Status.PENDING));
    Instant updatedAt = Instant.now();

    CommandRow(String commandId, String agentId, String action, JsonNode payload) {
        this.commandId = commandId;
        this.agentId = agentId;
        this.action = action;
        this.payload = payload;
    }

    void update(CommandState.Status s, String err, JsonNode res) {
        status = s;
        if (err != null) {
            error = err;
        }
        if (res != null) {
            result = res;
        }
        history.add(s);
        updatedAt = Instant.now();
    }

    CommandState snapshot() {
        return new CommandState(commandId, agentId, action, payload, status, error, result,
                List.copyOf(history), updatedAt);
    }
}
