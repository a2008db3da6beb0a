package io.streamspace.agent.adapter.mcp;

import io.streamspace.agent.application.service.metrics.CommandOutcomeListener;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import java.util.Collection;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per tool call (logger {@code McpAudit}: tool, the arguments' shape, outcome, duration) and one count
 * in the command metrics ({@code mcp_<tool>}, success or failure). The shape names each argument and its JSON type,
 * never a value: a Compose file or an {@code env} map may hold secrets, and nested objects show only their size.
 */
final class ToolAudit {

    private static final Logger LOG = LoggerFactory.getLogger("McpAudit");

    /** How a call ended. */
    enum Outcome {
        /** The tool ran and returned its result. */
        OK,
        /** The tool ran and failed (unknown object, engine refusal): an error result. */
        FAILED,
        /** The policy refused it (disabled tool, object out of scope): an MCP error naming the setting. */
        REFUSED,
        /** The arguments do not fit the schema: an MCP invalid-params error. */
        INVALID;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final CommandOutcomeListener outcomes;
    private final String transport;

    ToolAudit(CommandOutcomeListener outcomes, String transport) {
        this.outcomes = outcomes;
        this.transport = transport;
    }

    /** The metrics action a tool's calls are counted under. */
    static String action(String tool) {
        return "mcp_" + tool;
    }

    void record(String tool, Map<String, Object> arguments, Outcome outcome, long nanos, String reason) {
        long millis = nanos / 1_000_000;
        String shape = shape(arguments);
        if (outcome == Outcome.OK) {
            LOG.info("mcp call tool={} transport={} args={} outcome=ok duration_ms={}", tool, transport, shape, millis);
        } else {
            LOG.warn("mcp call tool={} transport={} args={} outcome={} duration_ms={} reason={}", tool, transport,
                    shape, outcome.wireName(), millis, reason);
        }
        try {
            outcomes.finished(action(tool), outcome == Outcome.OK ? CommandOutcome.SUCCESS : CommandOutcome.FAILURE);
        } catch (RuntimeException e) {
            LOG.warn("could not count the call of {}: {}", tool, e.toString());
        }
    }

    /** {@code {container:string, tail:integer}}: names and JSON types, sorted; never values. */
    static String shape(Map<String, Object> arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return "{}";
        }
        StringJoiner joined = new StringJoiner(", ", "{", "}");
        new TreeMap<>(arguments).forEach((key, value) -> joined.add(safeKey(key) + ":" + type(value)));
        return joined.toString();
    }

    private static String type(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof java.math.BigInteger) {
            return "integer";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Map<?, ?> map) {
            return "object(" + map.size() + ")";
        }
        if (value instanceof Collection<?> list) {
            return "array(" + list.size() + ")";
        }
        return "unknown";
    }

    /** Argument names are the caller's text too: shortened, and reduced to harmless characters. */
    private static String safeKey(String key) {
        String cut = key.length() > 40 ? key.substring(0, 40) + "..." : key;
        return cut.replaceAll("[^A-Za-z0-9_.-]", "?");
    }
}
