package io.streamspace.agent.domain.host;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Hides the values of a container's secret-looking environment variables (names containing {@code TOKEN},
 * {@code SECRET}, {@code PASSWORD}, {@code PASSWD} or {@code KEY}, any case) wherever they appear in text such as the
 * container's logs. The container's own configuration says what its secrets are, so a token a process echoes is
 * caught even though nothing in the line says it is one.
 *
 * <p>Values shorter than {@link #MIN_LENGTH} characters are not searched for: replacing every {@code 1} or {@code on}
 * in a log would make it unreadable, and such a value protects nothing anyway. They are still hidden in
 * {@link #environment(List)}.
 */
public final class SecretRedaction {

    public static final int MIN_LENGTH = 4;
    private static final Pattern SECRET_NAME = Pattern.compile("TOKEN|SECRET|PASSWORD|PASSWD|KEY");

    private record Secret(String name, String value) {}

    private final List<Secret> secrets;

    private SecretRedaction(List<Secret> secrets) {
        this.secrets = secrets;
    }

    /** Whether a variable of this name is treated as a secret. */
    public static boolean secretName(String name) {
        return name != null && SECRET_NAME.matcher(name.toUpperCase(Locale.ROOT)).find();
    }

    /** The secrets among a container's {@code KEY=VALUE} environment. */
    public static SecretRedaction of(List<String> environment) {
        List<Secret> found = new ArrayList<>();
        for (String entry : environment == null ? List.<String>of() : environment) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String name = entry.substring(0, equals);
            String value = entry.substring(equals + 1);
            if (secretName(name) && value.length() >= MIN_LENGTH) {
                found.add(new Secret(name, value));
            }
        }
        // longest first: a secret that contains another is replaced whole
        found.sort(Comparator.comparingInt((Secret s) -> s.value().length()).reversed());
        return new SecretRedaction(List.copyOf(found));
    }

    /** How many values are searched for. */
    public int size() {
        return secrets.size();
    }

    /** The text with every secret value replaced by {@code [REDACTED:NAME]}. */
    public String redact(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (Secret secret : secrets) {
            out = out.replace(secret.value(), "[REDACTED:" + secret.name() + "]");
        }
        return out;
    }

    /** The environment with the value of every secret-looking variable replaced by {@code [REDACTED]}. */
    public static List<String> environment(List<String> environment) {
        List<String> out = new ArrayList<>();
        for (String entry : environment == null ? List.<String>of() : environment) {
            int equals = entry.indexOf('=');
            out.add(equals > 0 && secretName(entry.substring(0, equals))
                    ? entry.substring(0, equals + 1) + "[REDACTED]" : entry);
        }
        return List.copyOf(out);
    }
}
