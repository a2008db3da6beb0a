package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/** What the CP writes: envelopes, timestamps in the server's offset and the JSON of an agent row. */
final class Envelopes {

    private static final DateTimeFormatter RFC3339_NANO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    private final ZoneOffset serverOffset;

    Envelopes(ZoneOffset serverOffset) {
        this.serverOffset = serverOffset;
    }

    /** See {@link ControlPlaneSimulator#envelope}. */
    String envelope(String type, JsonNode payload) {
        ObjectNode env = JSON.objectNode();
        env.put("type", type);
        env.put("timestamp", timestamp(Instant.now()));
        env.set("payload", payload);
        return env.toString();
    }

    /**
     * Formats like Go's {@code time.RFC3339Nano} in the server's offset. Go trims trailing zeros; the simulator
     * makes the last digit non-zero so that all 9 fraction digits are always present (agents must cope with both).
     */
    String timestamp(Instant t) {
        if (t.getNano() % 10 == 0) {
            t = t.plusNanos(1 + ThreadLocalRandom.current().nextInt(9));
        }
        return RFC3339_NANO.format(t.atOffset(serverOffset));
    }

    /** The agent row as the CP's agent API returns it. Call with the state lock held. */
    ObjectNode agentJson(AgentRow row) {
        ObjectNode n = JSON.objectNode();
        n.put("id", row.id.toString());
        n.put("agentId", row.agentId);
        n.put("platform", row.platform);
        n.put("region", row.region);
        n.put("status", row.status == AgentStatus.ONLINE ? "online" : "offline");
        n.set("capacity", row.capacity);
        if (row.lastHeartbeat == null) {
            n.putNull("lastHeartbeat");
        } else {
            n.put("lastHeartbeat", timestamp(row.lastHeartbeat));
        }
        n.set("metadata", row.metadata == null ? JSON.nullNode() : row.metadata);
        n.put("approvalStatus", row.approvalStatus);
        n.put("createdAt", timestamp(row.createdAt));
        n.put("updatedAt", timestamp(row.updatedAt));
        return n;
    }
}
