package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One row of the CP's agents table. Guarded by the state lock. */
final class AgentRow {
    final String agentId;
    final UUID id = UUID.randomUUID();
    final Instant createdAt;
    String apiKey;
    String platform = "docker";
    String region = "";
    JsonNode capacity = JSON.nullNode();
    JsonNode metadata;
    Instant updatedAt;
    Instant lastHeartbeat;
    AgentStatus status = AgentStatus.OFFLINE;
    String approvalStatus = "";

    AgentRow(String agentId, String apiKey, Instant now) {
        this.agentId = agentId;
        this.apiKey = apiKey;
        this.createdAt = now;
        this.updatedAt = now;
    }

    void update(RegistrationDecoder.Request req, Instant now) {
        platform = req.platform();
        region = req.region();
        capacity = req.capacity() == null ? JSON.nullNode() : normalizedCapacity(req.capacity());
        metadata = req.metadata();
        updatedAt = now;
    }

    static JsonNode normalizedCapacity(JsonNode cap) {
        ObjectNode n = JSON.objectNode();
        JsonNode max = GoJson.get(cap, "maxSessions");
        n.put("maxSessions", max != null && max.isIntegralNumber() ? max.asLong() : 0);
        for (String f : List.of("cpu", "memory", "storage")) {
            n.put(f, GoJson.string(cap, f));
        }
        return n;
    }
}
