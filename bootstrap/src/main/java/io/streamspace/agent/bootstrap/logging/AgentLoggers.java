package io.streamspace.agent.bootstrap.logging;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * The loggers and where their lines go: one level for the agent, libraries kept at warn when the agent is at debug
 * (they are chatty there; trace shows everything), text or JSON lines on stdout (stderr for {@code docker-agent mcp},
 * whose stdout is JSON-RPC). Every role calls {@link #configure} once its settings are read ({@code --log-level},
 * {@code --log-format}); until then: info, text, stdout.
 */
public final class AgentLoggers implements ILoggerFactory {

    static final AgentLoggers INSTANCE = new AgentLoggers();

    private static final int OFF = Integer.MAX_VALUE;
    private static final List<String> LIBRARIES = List.of("org.eclipse.jetty", "com.github.dockerjava", "org.apache.hc",
            "redis.clients", "jdk.internal.httpclient", "org.testcontainers");

    private final ConcurrentHashMap<String, AgentLogger> loggers = new ConcurrentHashMap<>();
    private final List<Consumer<LogEvent>> watchers = new CopyOnWriteArrayList<>();
    private volatile Settings settings = new Settings(Level.INFO.toInt(), LogLines.TEXT, System.out);

    private record Settings(int threshold, LogLines format, PrintStream out) {
        int thresholdOf(String logger) {
            boolean library = LIBRARIES.stream().anyMatch(prefix -> logger.equals(prefix)
                    || logger.startsWith(prefix) && logger.charAt(prefix.length()) == '.');
            return library && threshold == Level.DEBUG.toInt() ? Level.WARN.toInt() : threshold;
        }
    }

    private AgentLoggers() {
    }

    /**
     * @param level           error, warn, info, debug, trace, off or all (anything else: info)
     * @param format          {@code json} for one JSON object per line, else text
     * @param toStandardError log to stderr instead of stdout
     */
    public static void configure(String level, String format, boolean toStandardError) {
        INSTANCE.apply(new Settings(threshold(level), "json".equals(format) ? LogLines.JSON : LogLines.TEXT,
                toStandardError ? System.err : System.out));
    }

    /** Hands every line written from now on to {@code watcher} too, until the returned handle is closed. */
    public static AutoCloseable watch(Consumer<LogEvent> watcher) {
        INSTANCE.watchers.add(watcher);
        return () -> INSTANCE.watchers.remove(watcher);
    }

    private static int threshold(String level) {
        return switch (level == null ? "info" : level.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.ERROR.toInt();
            case "warn" -> Level.WARN.toInt();
            case "debug" -> Level.DEBUG.toInt();
            case "trace", "all" -> Level.TRACE.toInt();
            case "off" -> OFF;
            default -> Level.INFO.toInt();
        };
    }

    private synchronized void apply(Settings next) {
        settings = next;
        loggers.values().forEach(logger -> logger.threshold(next.thresholdOf(logger.getName())));
    }

    @Override
    public Logger getLogger(String name) {
        AgentLogger logger = loggers.get(name);
        if (logger != null) {
            return logger;
        }
        synchronized (this) {
            return loggers.computeIfAbsent(name, n -> new AgentLogger(n, this, settings.thresholdOf(n)));
        }
    }

    void write(LogEvent event) {
        Settings current = settings;
        String line = current.format().render(event);
        PrintStream out = current.out();
        synchronized (out) {
            out.print(line);
            out.flush();
        }
        for (Consumer<LogEvent> watcher : watchers) {
            watcher.accept(event);
        }
    }
}
