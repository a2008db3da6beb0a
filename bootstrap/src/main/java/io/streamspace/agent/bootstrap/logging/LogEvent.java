package io.streamspace.agent.bootstrap.logging;

import org.slf4j.event.Level;

/** One logged line, as written and as handed to watchers. */
public record LogEvent(long epochMillis, Level level, String logger, String thread, String message, Throwable error) {
}
