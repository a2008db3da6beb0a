package io.streamspace.agent.domain.session;

import java.util.regex.Pattern;

/**
 * A control-plane session id. It becomes part of container and volume names, so only
 * {@code [a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}} is accepted.
 */
public record SessionId(String value) {

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    public SessionId {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public static SessionId of(String value) {
        return new SessionId(value);
    }

    /** Whether {@code value} is a valid session id. */
    public static boolean isValid(String value) {
        return problem(value) == null;
    }

    /** Why {@code value} is not a valid session id, or null when it is. */
    public static String problem(String value) {
        if (value == null || value.isEmpty()) {
            return "sessionId is required";
        }
        if (value.length() > 128) {
            return "sessionId is " + value.length() + " characters long; at most 128 are allowed";
        }
        if (!VALID.matcher(value).matches()) {
            return "sessionId \"" + printable(value) + "\" is invalid: it must start with a letter or digit and"
                    + " contain only letters, digits, '_', '.' and '-'";
        }
        return null;
    }

    private static String printable(String value) {
        StringBuilder b = new StringBuilder();
        value.codePoints().limit(64).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return value.length() > 64 ? b + "…" : b.toString();
    }

    @Override
    public String toString() {
        return value;
    }
}
