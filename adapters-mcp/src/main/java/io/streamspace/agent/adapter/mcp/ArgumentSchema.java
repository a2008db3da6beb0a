package io.streamspace.agent.adapter.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A tool's arguments: the JSON Schema the tool advertises, and the check every call goes through before the tool
 * runs (the same rules, so what the schema promises is what is enforced). Unknown arguments are refused.
 */
final class ArgumentSchema {

    private sealed interface Field permits Text, Whole, Flag, TextMap {
        String name();

        String description();

        boolean required();

        Map<String, Object> schema();
    }

    private record Text(String name, String description, boolean required, Pattern pattern, int maxLength)
            implements Field {
        public Map<String, Object> schema() {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("type", "string");
            s.put("description", description);
            if (pattern != null) {
                s.put("pattern", pattern.pattern());
            }
            s.put("maxLength", maxLength);
            return s;
        }
    }

    private record Whole(String name, String description, long min, long max, Long defaultValue) implements Field {
        public boolean required() {
            return false;
        }

        public Map<String, Object> schema() {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("type", "integer");
            s.put("description", description);
            s.put("minimum", min);
            s.put("maximum", max);
            if (defaultValue != null) {
                s.put("default", defaultValue);
            }
            return s;
        }
    }

    private record Flag(String name, String description, boolean defaultValue) implements Field {
        public boolean required() {
            return false;
        }

        public Map<String, Object> schema() {
            return new LinkedHashMap<>(Map.of("type", "boolean", "description", description, "default", defaultValue));
        }
    }

    private record TextMap(String name, String description, int maxEntries) implements Field {
        public boolean required() {
            return false;
        }

        public Map<String, Object> schema() {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("type", "object");
            s.put("description", description);
            s.put("additionalProperties", Map.of("type", "string"));
            s.put("maxProperties", maxEntries);
            return s;
        }
    }

    private final List<Field> fields = new ArrayList<>();

    static ArgumentSchema none() {
        return new ArgumentSchema();
    }

    ArgumentSchema text(String name, String description, boolean required, String pattern, int maxLength) {
        fields.add(new Text(name, description, required, pattern == null ? null : Pattern.compile(pattern), maxLength));
        return this;
    }

    ArgumentSchema whole(String name, String description, long min, long max, Long defaultValue) {
        fields.add(new Whole(name, description, min, max, defaultValue));
        return this;
    }

    ArgumentSchema flag(String name, String description, boolean defaultValue) {
        fields.add(new Flag(name, description, defaultValue));
        return this;
    }

    ArgumentSchema textMap(String name, String description, int maxEntries) {
        fields.add(new TextMap(name, description, maxEntries));
        return this;
    }

    /** The JSON Schema of the tool's input: an object with exactly these properties. */
    Map<String, Object> toJsonSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Field f : fields) {
            properties.put(f.name(), f.schema());
            if (f.required()) {
                required.add(f.name());
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    /**
     * Checks the call's arguments against the schema.
     *
     * @throws InvalidArgumentsException naming every problem (never echoing a value)
     */
    Arguments check(Map<String, Object> arguments) {
        Map<String, Object> given = arguments == null ? Map.of() : arguments;
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (String key : given.keySet()) {
            if (fields.stream().noneMatch(f -> f.name().equals(key))) {
                problems.add("unknown argument '" + printable(key) + "'" + (fields.isEmpty() ? " (this tool takes none)"
                        : " (expected " + String.join(", ", fields.stream().map(Field::name).toList()) + ")"));
            }
        }
        for (Field f : fields) {
            Object value = given.get(f.name());
            if (value == null) {
                if (f.required()) {
                    problems.add("'" + f.name() + "' is required");
                }
                switch (f) {
                    case Whole w -> values.put(w.name(), w.defaultValue());
                    case Flag b -> values.put(b.name(), b.defaultValue());
                    case TextMap m -> values.put(m.name(), Map.of());
                    case Text t -> values.put(t.name(), null);
                }
                continue;
            }
            switch (f) {
                case Text t -> {
                    if (!(value instanceof String s)) {
                        problems.add("'" + t.name() + "' must be a string");
                    } else if (s.length() > t.maxLength()) {
                        problems.add("'" + t.name() + "' must be at most " + t.maxLength() + " characters long");
                    } else if (t.pattern() != null && !t.pattern().matcher(s).matches()) {
                        problems.add("'" + t.name() + "' must match " + t.pattern().pattern());
                    } else if (s.isEmpty() && t.required()) {
                        problems.add("'" + t.name() + "' must not be empty");
                    } else {
                        values.put(t.name(), s);
                    }
                }
                case Whole w -> {
                    Long number = value instanceof Integer || value instanceof Long || value instanceof Short
                            ? Long.valueOf(((Number) value).longValue())
                            : value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                                    && Math.abs(n.doubleValue()) < 1e15 ? Long.valueOf(n.longValue()) : null;
                    if (number == null) {
                        problems.add("'" + w.name() + "' must be an integer");
                    } else if (number < w.min() || number > w.max()) {
                        problems.add("'" + w.name() + "' must be between " + w.min() + " and " + w.max());
                    } else {
                        values.put(w.name(), number);
                    }
                }
                case Flag b -> {
                    if (value instanceof Boolean flag) {
                        values.put(b.name(), flag);
                    } else {
                        problems.add("'" + b.name() + "' must be true or false");
                    }
                }
                case TextMap m -> {
                    if (!(value instanceof Map<?, ?> map)) {
                        problems.add("'" + m.name() + "' must be an object of strings");
                    } else if (map.size() > m.maxEntries()) {
                        problems.add("'" + m.name() + "' may hold at most " + m.maxEntries() + " entries");
                    } else if (map.values().stream().anyMatch(v -> !(v instanceof String))) {
                        problems.add("every value of '" + m.name() + "' must be a string");
                    } else {
                        Map<String, String> copy = new LinkedHashMap<>();
                        map.forEach((k, v) -> copy.put(String.valueOf(k), (String) v));
                        values.put(m.name(), copy);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentsException(problems);
        }
        return new Arguments(values);
    }

    private static String printable(String key) {
        String cut = key.length() > 64 ? key.substring(0, 64) + "..." : key;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** A call's checked arguments, defaults filled in. */
    record Arguments(Map<String, Object> values) {

        String text(String name) {
            return (String) values.get(name);
        }

        int whole(String name) {
            return ((Long) values.get(name)).intValue();
        }

        boolean flag(String name) {
            return (Boolean) values.get(name);
        }

        @SuppressWarnings("unchecked")
        Map<String, String> textMap(String name) {
            return (Map<String, String>) values.get(name);
        }
    }

    /** The arguments do not fit the schema. */
    static final class InvalidArgumentsException extends RuntimeException {
        private final List<String> problems;

        InvalidArgumentsException(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        List<String> problems() {
            return problems;
        }
    }
}
