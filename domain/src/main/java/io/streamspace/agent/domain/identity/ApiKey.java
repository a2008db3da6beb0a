package io.streamspace.agent.domain.identity;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The agent's API key: exactly 64 hexadecimal characters, as the control plane checks before anything else.
 * It is a secret: {@link #toString()} never shows it.
 */
public final class ApiKey {

    private static final Pattern FORMAT = Pattern.compile("[0-9a-fA-F]{64}");

    private final String secret;

    private ApiKey(String secret) {
        this.secret = secret;
    }

    public static ApiKey of(String value) {
        problem(value).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return new ApiKey(value);
    }

    /** Why the control plane would refuse this key's format, if it would. The key itself is never quoted. */
    public static Optional<String> problem(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of("API key is required (--api-key, API_KEY or AGENT_API_KEY)");
        }
        if (!FORMAT.matcher(value).matches()) {
            return Optional.of("API key must be exactly 64 hexadecimal characters (got " + value.length()
                    + " characters" + (value.length() == 64 ? ", not all hexadecimal" : "") + ")");
        }
        return Optional.empty();
    }

    /** The secret itself, for the one place that sends it (the authentication header). */
    public String reveal() {
        return secret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey other && other.secret.equals(secret);
    }

    @Override
    public int hashCode() {
        return secret.hashCode();
    }

    @Override
    public String toString() {
        return "ApiKey[****]";
    }
}
