package io.streamspace.agent.domain.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compose variable interpolation over a parsed file (plain maps, lists and scalars), as the Compose specification
 * defines it: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}} (unset or empty), {@code ${VAR-default}} (unset),
 * {@code ${VAR:?message}} (error when unset or empty), {@code ${VAR?message}} (error when unset),
 * {@code ${VAR:+replacement}} / {@code ${VAR+replacement}}, and {@code $$} for a literal {@code $}. Defaults and
 * replacements may themselves contain variables. An unset variable without a default becomes the empty string.
 * Only values are interpolated, never keys. Errors name the key path and the variable.
 */
public final class Interpolation {

    private Interpolation() {}

    /** A copy of {@code tree} with every string value interpolated from {@code variables}. */
    public static Object interpolateTree(Object tree, Map<String, String> variables) {
        Objects.requireNonNull(variables, "variables");
        return walk(tree, "", variables);
    }

    /** Interpolates one string; {@code path} names its key in error messages. */
    public static String interpolate(String text, String path, Map<String, String> variables) {
        Objects.requireNonNull(text, "text");
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                throw invalid(path, text, "a lone '$' at the end (write $$ for a literal $)");
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int close = matchingBrace(text, i + 2);
                if (close < 0) {
                    throw invalid(path, text, "'${' is never closed");
                }
                out.append(braced(text.substring(i + 2, close), text, path, variables));
                i = close + 1;
            } else if (isNameStart(next)) {
                int end = i + 2;
                while (end < text.length() && isNamePart(text.charAt(end))) {
                    end++;
                }
                String value = variables.get(text.substring(i + 1, end));
                out.append(value == null ? "" : value);
                i = end;
            } else {
                throw invalid(path, text, "'$' followed by '" + next + "' (write $$ for a literal $)");
            }
        }
        return out.toString();
    }

    private static String braced(String inner, String text, String path, Map<String, String> variables) {
        int nameEnd = 0;
        while (nameEnd < inner.length() && (nameEnd == 0 ? isNameStart(inner.charAt(0)) : isNamePart(inner.charAt(nameEnd)))) {
            nameEnd++;
        }
        if (nameEnd == 0) {
            throw invalid(path, text, "'${" + inner + "}' does not start with a variable name");
        }
        String name = inner.substring(0, nameEnd);
        String rest = inner.substring(nameEnd);
        String value = variables.get(name);
        if (rest.isEmpty()) {
            return value == null ? "" : value;
        }
        boolean colon = rest.charAt(0) == ':';
        String op = colon ? rest.substring(0, Math.min(2, rest.length())) : rest.substring(0, 1);
        String argument = rest.substring(op.length());
        boolean missing = colon ? value == null || value.isEmpty() : value == null;
        switch (op) {
            case ":-", "-" -> {
                return missing ? interpolate(argument, path, variables) : value;
            }
            case ":+", "+" -> {
                return missing ? "" : interpolate(argument, path, variables);
            }
            case ":?", "?" -> {
                if (missing) {
                    String message = interpolate(argument, path, variables);
                    throw new ComposeFileException(path, "required variable " + name + " is "
                            + (value == null ? "not set" : "empty")
                            + (message.isBlank() ? "" : ": " + message));
                }
                return value;
            }
            default -> throw invalid(path, text, "unknown modifier '" + op + "' after ${" + name
                    + " (use :-, -, :?, ?, :+ or +)");
        }
    }

    /** Index of the '}' closing a '${' whose content starts at {@code from}, honouring nested '${...}'. */
    private static int matchingBrace(String text, int from) {
        int depth = 1;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                depth++;
                i++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static Object walk(Object node, String path, Map<String, String> variables) {
        if (node instanceof String s) {
            return interpolate(s, path, variables);
        }
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                copy.put(key, walk(e.getValue(), path.isEmpty() ? key : path + "." + key, variables));
            }
            return copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(walk(list.get(i), path + "[" + i + "]", variables));
            }
            return copy;
        }
        return node;
    }

    private static ComposeFileException invalid(String path, String text, String why) {
        return new ComposeFileException(path, "invalid interpolation in \"" + text + "\": " + why);
    }

    static boolean isNameStart(char c) {
        return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    static boolean isNamePart(char c) {
        return isNameStart(c) || c >= '0' && c <= '9';
    }
}
