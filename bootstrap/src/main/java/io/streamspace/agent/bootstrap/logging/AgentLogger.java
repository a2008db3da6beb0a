package io.streamspace.agent.bootstrap.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One named logger: its threshold is set by {@link AgentLoggers} whenever logging is configured. */
final class AgentLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private final transient AgentLoggers loggers;
    private volatile int threshold;

    AgentLogger(String name, AgentLoggers loggers, int threshold) {
        this.name = name;
        this.loggers = loggers;
        this.threshold = threshold;
    }

    void threshold(int threshold) {
        this.threshold = threshold;
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold;
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable error) {
        String message = String.valueOf(arguments == null || arguments.length == 0 ? pattern
                : MessageFormatter.basicArrayFormat(pattern, arguments));
        loggers.write(new LogEvent(System.currentTimeMillis(), level, name, Thread.currentThread().getName(),
                message, error));
    }
}
