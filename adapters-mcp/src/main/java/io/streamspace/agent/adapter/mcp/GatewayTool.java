package io.streamspace.agent.adapter.mcp;

import java.util.Map;

/**
 * One tool: what a model sees (name, title, description, input schema, the MCP annotations) and what it runs.
 *
 * @param readOnly    changes nothing ({@code readOnlyHint})
 * @param destructive may stop, replace or remove something ({@code destructiveHint}); such a tool is off unless
 *                    allow-listed by name
 * @param idempotent  calling it again with the same arguments has no further effect ({@code idempotentHint})
 * @param openWorld   reaches beyond this host, e.g. a registry ({@code openWorldHint})
 */
record GatewayTool(String name, String title, String description, ArgumentSchema arguments, boolean readOnly,
                   boolean destructive, boolean idempotent, boolean openWorld, Body body) {

    /** Runs the tool with checked arguments; the result becomes the call's structured content. */
    @FunctionalInterface
    interface Body {
        Map<String, Object> run(ArgumentSchema.Arguments arguments) throws InterruptedException;
    }
}
