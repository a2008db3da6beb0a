package io.streamspace.agent.bootstrap;

import io.streamspace.agent.bootstrap.logging.AgentLoggers;

/**
 * Logs go to standard output as {@code 2026-11-22T21:34:18.123Z INFO  [DockerAgent] message} lines (the bracketed
 * tag is the component, as in the seed's examples), or as one JSON object per line with {@code --log-format json}.
 */
public final class LoggingSetup {

    private LoggingSetup() {
    }

    public static void configure(String level, String format) {
        configure(level, format, false);
    }

    /**
     * @param toStandardError log to stderr instead of stdout: {@code docker-agent mcp} keeps stdout for JSON-RPC
     */
    public static void configure(String level, String format, boolean toStandardError) {
        AgentLoggers.configure(level, format, toStandardError);
    }
}
