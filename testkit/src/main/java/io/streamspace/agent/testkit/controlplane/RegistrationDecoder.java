package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.testkit.controlplane.GoJson.Kind;
import io.streamspace.agent.testkit.controlplane.GoJson.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decodes and validates a registration body like gin's {@code ShouldBindJSON} into the CP's request struct:
 * {@code agentId required,min=3,max=100}, {@code platform required,oneof=kubernetes docker vm cloud},
 * {@code region omitempty,min=2,max=50}, {@code capacity {maxSessions int, cpu/memory/storage string}},
 * {@code metadata map[string]interface{}}.
 */
final class RegistrationDecoder {

    static final Schema CAPACITY = new Schema("AgentCapacity")
            .field("maxSessions", Kind.INT)
            .field("cpu", Kind.STRING)
            .field("memory", Kind.STRING)
            .field("storage", Kind.STRING);

    private static final Schema REQUEST = new Schema("AgentRegistrationRequest")
            .field("agentId", Kind.STRING)
            .field("platform", Kind.STRING)
            .field("region", Kind.STRING)
            .struct("capacity", CAPACITY)
            .field("metadata", Kind.MAP);

    private static final Set<String> PLATFORMS = Set.of("kubernetes", "docker", "vm", "cloud");

    record Request(String agentId, String platform, String region, JsonNode capacity, JsonNode metadata) {
    }

    static final class InvalidRequest extends Exception {
        InvalidRequest(String details) {
            super(details, null, false, false);
        }
    }

    private final ObjectMapper mapper;

    RegistrationDecoder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Request decode(String body) throws InvalidRequest {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (Exception e) {
            throw new InvalidRequest("invalid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidRequest("EOF");
        }
        try {
            GoJson.decode(root, REQUEST);
        } catch (GoJson.DecodeException e) {
            throw new InvalidRequest(e.getMessage());
        }
        String agentId = GoJson.string(root, "agentId");
        String platform = GoJson.string(root, "platform");
        String region = GoJson.string(root, "region");
        List<String> errors = new ArrayList<>();
        int idLen = agentId.codePointCount(0, agentId.length());
        if (agentId.isEmpty()) {
            errors.add(tag("AgentID", "required"));
        } else if (idLen < 3) {
            errors.add(tag("AgentID", "min"));
        } else if (idLen > 100) {
            errors.add(tag("AgentID", "max"));
        }
        if (platform.isEmpty()) {
            errors.add(tag("Platform", "required"));
        } else if (!PLATFORMS.contains(platform)) {
            errors.add(tag("Platform", "oneof"));
        }
        int regionLen = region.codePointCount(0, region.length());
        if (!region.isEmpty() && regionLen < 2) {
            errors.add(tag("Region", "min"));
        } else if (regionLen > 50) {
            errors.add(tag("Region", "max"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequest(String.join("\n", errors));
        }
        JsonNode capacity = GoJson.get(root, "capacity");
        JsonNode metadata = GoJson.get(root, "metadata");
        return new Request(agentId, platform, region,
                capacity == null || capacity.isNull() ? null : capacity,
                metadata == null || metadata.isNull() ? null : metadata);
    }

    private static String tag(String field, String tag) {
        return "Key: 'AgentRegistrationRequest." + field + "' Error:Field validation for '" + field
                + "' failed on the '" + tag + "' tag";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
