package io.streamspace.agent.domain.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The agent's identifier as the control plane knows it. It travels as a query value, so it must pass the
 * control plane's input filter (no {@code --}, {@code #}, {@code ;}, {@code &}, {@code |}, backtick,
 * {@code $(}, SQL keywords, {@code * ( ) \ /}) and its 3–100 character rule.
 */
public record AgentId(String value) {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern SQL_WORDS = Pattern.compile(
            "(?i).*\\b(select|insert|update|delete|drop|union|exec|alter|create)\\b.*");

    public AgentId {
        List<String> problems = problems(value);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0));
        }
    }

    /** Every reason the control plane would refuse this id; empty when it is acceptable. */
    public static List<String> problems(String value) {
        List<String> problems = new ArrayList<>();
        if (value == null || value.isBlank()) {
            problems.add("agent id is required (--agent-id or AGENT_ID)");
            return problems;
        }
        if (value.length() < 3 || value.length() > 100) {
            problems.add("agent id '" + value + "' must be 3 to 100 characters long (got " + value.length() + ")");
        }
        if (!ALLOWED.matcher(value).matches()) {
            problems.add("agent id '" + value + "' may only contain letters, digits, '.', '_' and '-' and must start"
                    + " with a letter or digit (the control plane's input filter rejects other characters)");
        } else if (value.contains("--")) {
            problems.add("agent id '" + value + "' must not contain '--' (the control plane's input filter rejects it)");
        }
        if (SQL_WORDS.matcher(value.replace('-', ' ').replace('_', ' ').replace('.', ' ')).matches()) {
            problems.add("agent id '" + value + "' contains an SQL keyword ("
                    + value.toLowerCase(Locale.ROOT) + "), which the control plane's input filter rejects");
        }
        return problems;
    }

    @Override
    public String toString() {
        return value;
    }
}
