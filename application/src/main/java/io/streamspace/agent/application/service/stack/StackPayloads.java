package io.streamspace.agent.application.service.stack;

import io.streamspace.agent.application.port.out.StackRuntime.StackContainer;
import io.streamspace.agent.application.service.CommandFailedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading stack command payloads and writing their results (plain JSON values). */
final class StackPayloads {

    private StackPayloads() {}

    static String requiredString(Map<String, Object> payload, String field) throws CommandFailedException {
        String value = optionalString(payload, field);
        if (value == null || value.isBlank()) {
            throw new CommandFailedException(field + " is required");
        }
        return value;
    }

    static String optionalString(Map<String, Object> payload, String field) throws CommandFailedException {
        Object value = payload == null ? null : payload.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new CommandFailedException(field + " must be a string");
        }
        return s;
    }

    static boolean optionalBoolean(Map<String, Object> payload, String field) throws CommandFailedException {
        Object value = payload == null ? null : payload.get(field);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new CommandFailedException(field + " must be true or false");
    }

    /** An object of string values; numbers and booleans are accepted and written as text. */
    static Map<String, String> stringMap(Map<String, Object> payload, String field) throws CommandFailedException {
        Object value = payload == null ? null : payload.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new CommandFailedException(field + " must be an object of strings");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw new CommandFailedException(field + "." + e.getKey() + " must be a string");
            }
            out.put(String.valueOf(e.getKey()), String.valueOf(v));
        }
        return out;
    }

    static List<String> stringList(Map<String, Object> payload, String field) throws CommandFailedException {
        Object value = payload == null ? null : payload.get(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new CommandFailedException(field + " must be a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    static List<Map<String, Object>> containers(List<StackContainer> containers) {
        return containers.stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service", c.service());
            m.put("name", c.name());
            m.put("id", c.id());
            m.put("number", c.number());
            m.put("image", c.image());
            m.put("state", c.state());
            if (c.health() != null) {
                m.put("health", c.health());
            }
            if (c.exitCode() != null && !"running".equals(c.state())) {
                m.put("exitCode", c.exitCode());
            }
            return m;
        }).toList();
    }
}
