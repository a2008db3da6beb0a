package io.streamspace.agent.bootstrap;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Logs go to standard output as {@code 2026-11-22T21:34:18.123Z INFO  [DockerAgent] message} lines (the bracketed
 * tag is the component, as in the seed's examples), or as one JSON object per line with {@code --log-format json}.
 */
public final class LoggingSetup {

    private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%logger] %msg%n";

    private LoggingSetup() {
    }

    public static void configure(String level, String format) {
        configure(level, format, false);
    }

    /**
     * @param toStandardError log to stderr instead of stdout: {@code docker-agent mcp} keeps stdout for JSON-RPC
     */
    public static void configure(String level, String format, boolean toStandardError) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        configure(context, level, format, toStandardError);
    }

    /** Configures {@code context} directly (also from {@link DefaultLogging}, while Logback initialises). */
    static void configure(LoggerContext context, String level, String format, boolean toStandardError) {
        context.reset();
        Encoder<ILoggingEvent> encoder;
        if ("json".equals(format)) {
            JsonEncoder json = new JsonEncoder();
            json.setWithMDC(false);
            json.setWithArguments(false);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            encoder = json;
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setPattern(PATTERN);
            encoder = pattern;
        }
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setEncoder(encoder);
        if (toStandardError) {
            console.setTarget("System.err");
        }
        console.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        root.setLevel(Level.toLevel(level == null ? "info" : level, Level.INFO));
        // Libraries are chatty at debug; keep them at warn unless the operator asks for trace.
        Level libraries = root.getLevel().isGreaterOrEqual(Level.DEBUG) && !root.getLevel().equals(Level.TRACE)
                ? Level.WARN : root.getLevel();
        for (String name : new String[] {"org.eclipse.jetty", "com.github.dockerjava", "org.apache.hc",
                "redis.clients", "jdk.internal.httpclient", "org.testcontainers"}) {
            context.getLogger(name).setLevel(libraries);
        }
    }
}
