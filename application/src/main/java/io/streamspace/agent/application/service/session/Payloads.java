package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.domain.session.SessionId;
import java.util.List;
import java.util.Map;

/** Reading fields out of a command payload (plain JSON values: maps, lists, strings, numbers, booleans). */
final class Payloads {

    private Payloads() {}

    static SessionId sessionId(Map<String, Object> payload) throws CommandFailedException {
        Object raw = payload == null ? null : payload.get("sessionId");
        if (raw != null && !(raw instanceof String)) {
            throw new CommandFailedException("sessionId must be a string");
        }
        String problem = SessionId.problem((String) raw);
        if (problem != null) {
            throw new CommandFailedException(problem);
        }
        return SessionId.of((String) raw);
    }

    static String requiredString(Map<String, Object> map, String field) throws CommandFailedException {
        Object value = map == null ? null : map.get(field);
        if (value == null) {
            throw new CommandFailedException(field + " is required");
        }
        if (!(value instanceof String s)) {
            throw new CommandFailedException(field + " must be a string");
        }
        if (s.isBlank()) {
            throw new CommandFailedException(field + " must not be empty");
        }
        return s;
    }

    /** A string field, or null when absent or JSON null; a present non-string is an error. */
    static String optionalString(Map<String, Object> map, String field) throws CommandFailedException {
        Object value = map == null ? null : map.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new CommandFailedException(field + " must be a string");
        }
        return s;
    }

    static boolean optionalBoolean(Map<String, Object> map, String field) throws CommandFailedException {
        Object value = map == null ? null : map.get(field);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if ("true".equals(value) || "false".equals(value)) {
            return Boolean.parseBoolean((String) value);
        }
        throw new CommandFailedException(field + " must be true or false");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> optionalObject(Map<String, Object> map, String field) throws CommandFailedException {
        Object value = map == null ? null : map.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new CommandFailedException(field + " must be an object");
        }
        return (Map<String, Object>) value;
    }

    static List<?> optionalList(Map<String, Object> map, String field) throws CommandFailedException {
        Object value = map == null ? null : map.get(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new CommandFailedException(field + " must be a list");
        }
        return list;
    }

    /** An integral JSON number in range, or null when absent. */
    static Integer optionalInt(Map<String, Object> map, String field, int min, int max) throws CommandFailedException {
        Object value = map == null ? null : map.get(field);
        if (value == null) {
            return null;
        }
        long n;
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            n = ((Number) value).longValue();
        } else if (value instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
            n = (long) num.doubleValue();
        } else if (value instanceof String s && s.matches("[0-9]{1,9}")) {
            n = Long.parseLong(s);
        } else {
            throw new CommandFailedException(field + " must be a whole number, got " + value);
        }
        if (n < min || n > max) {
            throw new CommandFailedException(field + " must be between " + min + " and " + max + ", got " + n);
        }
        return (int) n;
    }
}
