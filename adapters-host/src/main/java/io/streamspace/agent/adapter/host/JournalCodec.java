package io.streamspace.agent.adapter.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamspace.agent.domain.controlplane.AgentCapacity;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage.Ack;
import io.streamspace.agent.domain.controlplane.OutboundMessage.Complete;
import io.streamspace.agent.domain.controlplane.OutboundMessage.Failed;
import io.streamspace.agent.domain.controlplane.OutboundMessage.Heartbeat;
import io.streamspace.agent.domain.controlplane.OutboundMessage.Pong;
import io.streamspace.agent.domain.controlplane.OutboundMessage.SessionStatus;
import io.streamspace.agent.domain.controlplane.OutboundMessage.VncData;
import io.streamspace.agent.domain.controlplane.OutboundMessage.VncError;
import io.streamspace.agent.domain.controlplane.OutboundMessage.VncReady;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The outbox journal's line format: one JSON object per line, {@code {"v":1,"type":"<wire type>","payload":{...}}},
 * with every field of the record (nulls kept as JSON null). This is a storage format, not the wire format: the
 * control-plane codec still decides what goes on the socket. Numbers inside the free-form maps come back as
 * Jackson reads them (Integer, Long or BigInteger; Double), which serialises to the same JSON.
 */
final class JournalCodec {

    static final int VERSION = 1;

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final ObjectMapper json = new ObjectMapper();

    /** One journal line, UTF-8, ending with {@code '\n'}. Never contains another newline. */
    byte[] encode(OutboundMessage message) {
        ObjectNode line = json.createObjectNode();
        line.put("v", VERSION);
        line.put("type", message.type());
        ObjectNode p = line.putObject("payload");
        switch (message) {
            case Ack m -> p.put("commandId", m.commandId());
            case Complete m -> {
                p.put("commandId", m.commandId());
                p.set("result", tree(m.result()));
            }
            case Failed m -> {
                p.put("commandId", m.commandId());
                p.put("error", m.error());
            }
            case SessionStatus m -> {
                p.put("sessionId", m.sessionId());
                p.put("state", m.state());
                p.put("vncReady", m.vncReady());
                p.put("vncPort", m.vncPort());
                p.set("platformMetadata", tree(m.platformMetadata()));
                p.put("message", m.message());
            }
            case Heartbeat m -> {
                p.put("status", m.status());
                p.put("activeSessions", m.activeSessions());
                AgentCapacity c = m.capacity();
                if (c == null) {
                    p.putNull("capacity");
                } else {
                    ObjectNode cap = p.putObject("capacity");
                    cap.put("maxSessions", c.maxSessions());
                    cap.put("cpu", c.cpu());
                    cap.put("memory", c.memory());
                    cap.put("storage", c.storage());
                }
                p.set("details", tree(m.details()));
            }
            case VncReady m -> {
                p.put("sessionId", m.sessionId());
                p.put("vncPort", m.vncPort());
                p.put("podName", m.podName());
            }
            case VncData m -> {
                p.put("sessionId", m.sessionId());
                p.put("data", m.base64Data());
            }
            case VncError m -> {
                p.put("sessionId", m.sessionId());
                p.put("error", m.error());
            }
            case Pong m -> { }
        }
        try {
            byte[] text = json.writeValueAsBytes(line);
            byte[] withNewline = new byte[text.length + 1];
            System.arraycopy(text, 0, withNewline, 0, text.length);
            withNewline[text.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot store " + message.type() + " in the outbox: " + e.getMessage(), e);
        }
    }

    /** Decodes one line (without its newline). Throws {@link IllegalArgumentException} if it is not a valid entry. */
    OutboundMessage decode(byte[] bytes, int offset, int length) {
        JsonNode line;
        try {
            line = json.readTree(bytes, offset, length);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (line == null || !line.isObject()) {
            throw new IllegalArgumentException("not a JSON object: "
                    + new String(bytes, offset, Math.min(length, 200), StandardCharsets.UTF_8));
        }
        int version = line.path("v").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown journal entry version " + line.get("v"));
        }
        JsonNode p = line.get("payload");
        if (p == null || !p.isObject()) {
            throw new IllegalArgumentException("entry without payload object");
        }
        String type = text(line, "type");
        if (type == null) {
            throw new IllegalArgumentException("entry without type");
        }
        return switch (type) {
            case "ack" -> new Ack(text(p, "commandId"));
            case "complete" -> new Complete(text(p, "commandId"), map(p, "result"));
            case "failed" -> new Failed(text(p, "commandId"), text(p, "error"));
            case "status" -> new SessionStatus(text(p, "sessionId"), text(p, "state"),
                    isNull(p, "vncReady") ? null : p.get("vncReady").asBoolean(),
                    isNull(p, "vncPort") ? null : p.get("vncPort").asInt(),
                    map(p, "platformMetadata"), text(p, "message"));
            case "heartbeat" -> new Heartbeat(text(p, "status"), p.path("activeSessions").asInt(),
                    isNull(p, "capacity") ? null : new AgentCapacity(p.get("capacity").path("maxSessions").asInt(),
                            text(p.get("capacity"), "cpu"), text(p.get("capacity"), "memory"),
                            text(p.get("capacity"), "storage")),
                    map(p, "details"));
            case "vnc_ready" -> new VncReady(text(p, "sessionId"), p.path("vncPort").asInt(), text(p, "podName"));
            case "vnc_data" -> new VncData(text(p, "sessionId"), text(p, "data"));
            case "vnc_error" -> new VncError(text(p, "sessionId"), text(p, "error"));
            case "pong" -> new Pong();
            default -> throw new IllegalArgumentException("unknown message type '" + type + "'");
        };
    }

    private JsonNode tree(Map<String, Object> map) {
        try {
            return json.valueToTree(map);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("map is not plain JSON data: " + e.getMessage(), e);
        }
    }

    private Map<String, Object> map(JsonNode parent, String field) {
        if (isNull(parent, field)) {
            return null;
        }
        return json.convertValue(parent.get(field), MAP);
    }

    private static boolean isNull(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n == null || n.isNull();
    }

    private static String text(JsonNode parent, String field) {
        return isNull(parent, field) ? null : parent.get(field).asText();
    }
}
