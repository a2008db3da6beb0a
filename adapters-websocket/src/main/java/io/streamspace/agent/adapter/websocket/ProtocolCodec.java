package io.streamspace.agent.adapter.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamspace.agent.domain.controlplane.AgentCapacity;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The StreamSpace wire format: {@code {"type", "timestamp", "payload"}} envelopes, one JSON object per line.
 * Outgoing timestamps are RFC3339 strings (a numeric timestamp makes the real control plane drop the message).
 */
public final class ProtocolCodec {

    /** The real control plane's read and write limit. */
    public static final int MAX_MESSAGE_BYTES = 512 * 1024;

    private final ObjectMapper json;
    private final Clock clock;
    private volatile OptionalLong agentEpoch = OptionalLong.empty();

    public ProtocolCodec(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** The leader's fencing epoch, added to every payload as {@code agentEpoch} (a protocol extension). */
    public void agentEpoch(OptionalLong epoch) {
        this.agentEpoch = epoch;
    }

    public String encode(OutboundMessage message) {
        ObjectNode envelope = json.createObjectNode();
        envelope.put("type", message.type());
        envelope.put("timestamp", clock.instant().toString());
        ObjectNode payload = envelope.putObject("payload");
        switch (message) {
            case OutboundMessage.Heartbeat h -> {
                payload.put("status", h.status());
                payload.put("activeSessions", h.activeSessions());
                payload.set("capacity", capacity(h.capacity()));
                if (h.details() != null && !h.details().isEmpty()) {
                    payload.set("details", json.valueToTree(h.details()));
                }
            }
            case OutboundMessage.Ack a -> payload.put("commandId", a.commandId());
            case OutboundMessage.Complete c -> {
                payload.put("commandId", c.commandId());
                payload.set("result", json.valueToTree(c.result() == null ? Map.of() : c.result()));
            }
            case OutboundMessage.Failed f -> {
                payload.put("commandId", f.commandId());
                payload.put("error", f.error());
            }
            case OutboundMessage.SessionStatus s -> {
                payload.put("sessionId", s.sessionId());
                payload.put("state", s.state());
                if (s.vncReady() != null) {
                    payload.put("vncReady", s.vncReady());
                }
                if (s.vncPort() != null) {
                    payload.put("vncPort", s.vncPort());
                }
                if (s.platformMetadata() != null) {
                    payload.set("platformMetadata", json.valueToTree(s.platformMetadata()));
                }
                if (s.message() != null) {
                    payload.put("message", s.message());
                }
            }
            case OutboundMessage.VncReady v -> {
                payload.put("sessionId", v.sessionId());
                payload.put("vncPort", v.vncPort());
                payload.put("podName", v.podName());
            }
            case OutboundMessage.VncData v -> {
                payload.put("sessionId", v.sessionId());
                payload.put("data", v.base64Data());
            }
            case OutboundMessage.VncError v -> {
                payload.put("sessionId", v.sessionId());
                payload.put("error", v.error());
            }
            case OutboundMessage.Pong p -> {
                // an empty payload object: the control plane requires one on every message
            }
        }
        OptionalLong epoch = agentEpoch;
        if (epoch.isPresent()) {
            payload.put("agentEpoch", epoch.getAsLong());
        }
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.type(), e);
        }
    }

    private ObjectNode capacity(AgentCapacity capacity) {
        ObjectNode node = json.createObjectNode();
        node.put("maxSessions", capacity.maxSessions());
        node.put("cpu", capacity.cpu());
        node.put("memory", capacity.memory());
        if (capacity.storage() != null) {
            node.put("storage", capacity.storage());
        }
        return node;
    }

    /** The result of decoding one line: a message, or why the line is not one. */
    public sealed interface Decoded {
        record Message(InboundMessage message) implements Decoded {}

        record Malformed(String excerpt, String reason) implements Decoded {}
    }

    /** Splits one complete text message (the control plane may batch several, separated by newlines). */
    public List<Decoded> decodeFrame(String text) {
        List<Decoded> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(decodeLine(line));
            }
        }
        return out;
    }

    public Decoded decodeLine(String line) {
        JsonNode root;
        try {
            root = json.readTree(line);
        } catch (JsonProcessingException e) {
            return malformed(line, "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return malformed(line, "not a JSON object");
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            return malformed(line, "\"type\" must be a string");
        }
        JsonNode timestamp = root.get("timestamp");
        if (timestamp != null && !timestamp.isNull()) {
            if (!timestamp.isTextual()) {
                return malformed(line, "\"timestamp\" must be an RFC3339 string, got " + kind(timestamp));
            }
            try {
                OffsetDateTime.parse(timestamp.asText());
            } catch (DateTimeParseException e) {
                return malformed(line, "\"timestamp\" is not RFC3339: " + timestamp.asText());
            }
        }
        JsonNode payload = root.get("payload");
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            return malformed(line, "\"payload\" must be an object, got " + kind(payload));
        }
        if (payload == null || payload.isNull()) {
            payload = json.createObjectNode();
        }
        try {
            return new Decoded.Message(message(type.asText(), payload));
        } catch (IllegalArgumentException e) {
            return malformed(line, e.getMessage());
        }
    }

    private InboundMessage message(String type, JsonNode payload) {
        return switch (type) {
            case "command" -> new InboundMessage.Command(text(payload, "commandId", true),
                    text(payload, "action", true), object(payload, "payload"));
            case "vnc_data" -> new InboundMessage.VncData(text(payload, "sessionId", true),
                    text(payload, "data", true));
            case "vnc_close" -> new InboundMessage.VncClose(text(payload, "sessionId", true),
                    text(payload, "reason", false));
            case "ping" -> new InboundMessage.Ping();
            case "shutdown" -> new InboundMessage.Shutdown();
            default -> new InboundMessage.Unknown(type);
        };
    }

    private static String text(JsonNode payload, String field, boolean required) {
        JsonNode node = payload.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new IllegalArgumentException("payload." + field + " is missing");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException("payload." + field + " must be a string, got " + kind(node));
        }
        return node.asText();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(JsonNode payload, String field) {
        JsonNode node = payload.get(field);
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("payload." + field + " must be an object, got " + kind(node));
        }
        return json.convertValue(node, Map.class);
    }

    private static String kind(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return type.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static Decoded malformed(String line, String reason) {
        return new Decoded.Malformed(excerpt(line), reason);
    }

    static String excerpt(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "... (" + line.length() + " chars)";
    }
}
