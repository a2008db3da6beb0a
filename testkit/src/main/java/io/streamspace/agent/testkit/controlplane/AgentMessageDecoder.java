package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.testkit.controlplane.GoJson.Kind;
import io.streamspace.agent.testkit.controlplane.GoJson.Schema;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decodes one agent → CP line the way the Go CP does: envelope {@code {type, timestamp time.Time, payload}},
 * then the payload into the struct of its type. Anything the Go decoder would reject is "dropped".
 */
final class AgentMessageDecoder {

    /** RFC 3339 as Go's {@code time.Time.UnmarshalJSON} accepts it (upper-case T and Z, seconds required). */
    private static final Pattern RFC3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

    private static final Schema CAPACITY = new Schema("CapacityInfo")
            .field("maxSessions", Kind.INT)
            .field("cpu", Kind.STRING)
            .field("memory", Kind.STRING)
            .field("storage", Kind.STRING);

    private static final Map<String, Schema> PAYLOADS = Map.of(
            "heartbeat", new Schema("HeartbeatMessage")
                    .field("status", Kind.STRING)
                    .field("activeSessions", Kind.INT)
                    .struct("capacity", CAPACITY),
            "ack", new Schema("AckMessage").field("commandId", Kind.STRING),
            "complete", new Schema("CompleteMessage")
                    .field("commandId", Kind.STRING)
                    .field("result", Kind.MAP),
            "failed", new Schema("FailedMessage")
                    .field("commandId", Kind.STRING)
                    .field("error", Kind.STRING),
            "status", new Schema("StatusMessage")
                    .field("sessionId", Kind.STRING)
                    .field("state", Kind.STRING)
                    .field("vncReady", Kind.BOOL)
                    .field("vncPort", Kind.INT)
                    .field("platformMetadata", Kind.MAP),
            "vnc_ready", new Schema("VNCReadyMessage")
                    .field("sessionId", Kind.STRING)
                    .field("vncPort", Kind.INT)
                    .field("podName", Kind.STRING),
            "vnc_data", new Schema("VNCDataMessage")
                    .field("sessionId", Kind.STRING)
                    .field("data", Kind.STRING),
            "vnc_error", new Schema("VNCErrorMessage")
                    .field("sessionId", Kind.STRING)
                    .field("error", Kind.STRING),
            "pong", new Schema("PongMessage"));

    record Decoded(String type, JsonNode payload, String dropReason, Long agentEpoch) {
        boolean accepted() {
            return dropReason == null;
        }
    }

    private final ObjectMapper mapper;

    AgentMessageDecoder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Decoded decode(String line) {
        JsonNode root;
        try {
            root = mapper.readTree(line);
        } catch (Exception e) {
            return new Decoded(null, null, "invalid JSON: " + firstLine(e.getMessage()), null);
        }
        if (root == null || !root.isObject()) {
            return new Decoded(null, null, "json: cannot unmarshal " + (root == null ? "nothing" : GoJson.kindOf(root))
                    + " into Go value of type AgentMessage", null);
        }
        JsonNode typeNode = GoJson.get(root, "type");
        String type = typeNode != null && typeNode.isTextual() ? typeNode.asText() : null;
        JsonNode payload = GoJson.get(root, "payload");
        Long epoch = epoch(payload);
        if (typeNode != null && !typeNode.isNull() && !typeNode.isTextual()) {
            return new Decoded(null, payload, "json: cannot unmarshal " + GoJson.kindOf(typeNode)
                    + " into Go struct field AgentMessage.type of type string", epoch);
        }
        JsonNode ts = GoJson.get(root, "timestamp");
        if (ts != null && !ts.isNull()) {
            if (!ts.isTextual()) {
                return new Decoded(type, payload, "timestamp is a JSON " + GoJson.kindOf(ts)
                        + ", not an RFC3339 string: json: cannot unmarshal " + GoJson.kindOf(ts)
                        + " into Go struct field AgentMessage.timestamp of type time.Time", epoch);
            }
            String reason = checkRfc3339(ts.asText());
            if (reason != null) {
                return new Decoded(type, payload, reason, epoch);
            }
        }
        if (type == null || type.isEmpty()) {
            return new Decoded(type, payload, "missing message type", epoch);
        }
        Schema schema = PAYLOADS.get(type);
        if (schema == null) {
            return new Decoded(type, payload, "unknown message type: " + type, epoch);
        }
        if (payload == null || payload.isNull()) {
            return new Decoded(type, payload, "payload missing (must be a JSON object)", epoch);
        }
        if (!payload.isObject()) {
            return new Decoded(type, payload, "json: cannot unmarshal " + GoJson.kindOf(payload)
                    + " into Go value of type " + schema.goName, epoch);
        }
        try {
            GoJson.decode(payload, schema);
        } catch (GoJson.DecodeException e) {
            return new Decoded(type, payload, e.getMessage(), epoch);
        }
        return new Decoded(type, payload, null, epoch);
    }

    static String checkRfc3339(String text) {
        if (!RFC3339.matcher(text).matches()) {
            return "parsing time \"" + text + "\" as RFC3339 failed";
        }
        try {
            OffsetDateTime.parse(text);
            return null;
        } catch (DateTimeParseException e) {
            return "parsing time \"" + text + "\": " + e.getMessage();
        }
    }

    private static Long epoch(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            return null;
        }
        JsonNode e = payload.get("agentEpoch");
        return e != null && e.isIntegralNumber() && e.canConvertToLong() ? e.asLong() : null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
