package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Mimics Go's {@code encoding/json} decoding into a struct: field names match case-insensitively (every
 * matching key is decoded, the last one wins), unknown keys are ignored, {@code null} leaves the zero value,
 * and a JSON value of the wrong kind is an error for the whole message.
 */
final class GoJson {

    enum Kind {
        STRING("string"),
        INT("int"),
        BOOL("bool"),
        /** {@code map[string]interface{}} or {@code json.RawMessage} of an object. */
        MAP("map[string]interface {}"),
        /** A nested struct, see {@link Schema#nested}. */
        STRUCT("struct"),
        /** {@code interface{}}: anything goes. */
        ANY("interface {}");

        final String goType;

        Kind(String goType) {
            this.goType = goType;
        }
    }

    /** A Go struct: JSON field name → kind (nested schema for {@link Kind#STRUCT}). */
    static final class Schema {
        final String goName;
        final Map<String, String> names = new LinkedHashMap<>();
        final Map<String, Kind> kinds = new LinkedHashMap<>();
        final Map<String, Schema> nested = new LinkedHashMap<>();

        Schema(String goName) {
            this.goName = goName;
        }

        Schema field(String jsonName, Kind kind) {
            names.put(jsonName.toLowerCase(Locale.ROOT), jsonName);
            kinds.put(jsonName.toLowerCase(Locale.ROOT), kind);
            return this;
        }

        Schema struct(String jsonName, Schema schema) {
            field(jsonName, Kind.STRUCT);
            nested.put(jsonName.toLowerCase(Locale.ROOT), schema);
            return this;
        }
    }

    static final class DecodeException extends Exception {
        DecodeException(String message) {
            super(message, null, false, false);
        }
    }

    private GoJson() {
    }

    /** Checks {@code node} against {@code schema} like {@code json.Unmarshal(node, &struct)} would. */
    static void decode(JsonNode node, Schema schema) throws DecodeException {
        decode(node, schema, schema.goName, "");
    }

    private static void decode(JsonNode node, Schema schema, String rootName, String path) throws DecodeException {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new DecodeException("json: cannot unmarshal " + kindOf(node) + " into Go "
                    + (path.isEmpty() ? "value of type " + rootName : "struct field " + rootName + path + " of type "
                    + schema.goName));
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            Kind kind = schema.kinds.get(key);
            if (kind == null) {
                continue;
            }
            String fieldPath = (path.isEmpty() ? "." : path + ".") + schema.names.get(key);
            JsonNode v = e.getValue();
            if (kind == Kind.STRUCT) {
                decode(v, schema.nested.get(key), rootName, fieldPath);
                continue;
            }
            if (v.isNull() || kind == Kind.ANY) {
                continue;
            }
            boolean ok = switch (kind) {
                case STRING -> v.isTextual();
                case INT -> v.isIntegralNumber() && v.canConvertToLong();
                case BOOL -> v.isBoolean();
                case MAP -> v.isObject();
                default -> true;
            };
            if (!ok) {
                String what = kindOf(v);
                if (kind == Kind.INT && v.isNumber()) {
                    what = "number " + v.asText();
                }
                throw new DecodeException("json: cannot unmarshal " + what + " into Go struct field "
                        + rootName + fieldPath + " of type " + kind.goType);
            }
        }
    }

    /** The last value whose key matches {@code name} case-insensitively (Go semantics), or {@code null}. */
    static JsonNode get(JsonNode object, String name) {
        if (object == null || !object.isObject()) {
            return null;
        }
        JsonNode found = null;
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                found = e.getValue();
            }
        }
        return found;
    }

    /** Text of a string field, {@code ""} (Go zero value) when absent or null. */
    static String string(JsonNode object, String name) {
        JsonNode v = get(object, name);
        return v != null && v.isTextual() ? v.asText() : "";
    }

    static String kindOf(JsonNode v) {
        if (v.isTextual()) {
            return "string";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isObject()) {
            return "object";
        }
        return "null";
    }
}
