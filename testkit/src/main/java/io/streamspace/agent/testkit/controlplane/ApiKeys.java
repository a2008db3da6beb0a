package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/** The CP's API-key rules: 64 hex characters, compared in constant time. */
final class ApiKeys {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

    private ApiKeys() {
    }

    /** For configuration (builder, admin calls): a malformed key is a programming error. */
    static void requireKey(String key, String what) {
        if (key == null || !HEX64.matcher(key).matches()) {
            throw new IllegalArgumentException(what + " must be 64 hex characters");
        }
    }

    /** For requests: the 401 body for a missing or malformed {@code X-Agent-API-Key}, or {@code null} if fine. */
    static ObjectNode checkKeyFormat(String key) {
        if (key == null || key.isEmpty()) {
            return HttpResponses.error("Missing authentication",
                    "Provide the X-Agent-API-Key header or a client certificate signed by the CP's CA");
        }
        if (!HEX64.matcher(key).matches()) {
            return HttpResponses.error("Invalid API key format", "API key must be 64 characters (got "
                    + key.getBytes(StandardCharsets.UTF_8).length + ")");
        }
        return null;
    }

    static boolean keysEqual(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }
}
