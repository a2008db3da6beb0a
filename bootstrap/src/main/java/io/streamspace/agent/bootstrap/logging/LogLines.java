package io.streamspace.agent.bootstrap.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The two line formats. Text: {@code 2026-11-22T21:34:18.123Z INFO  [DockerAgent] message}, the stack trace of an
 * error on the lines after. JSON: one object per line with {@code timestamp} (epoch milliseconds), {@code level},
 * {@code threadName}, {@code loggerName}, {@code message} and, for an error, {@code throwable} (its stack trace).
 */
enum LogLines {
    TEXT {
        @Override
        String render(LogEvent event) {
            StringBuilder line = new StringBuilder(64 + event.message().length());
            TIME.formatTo(Instant.ofEpochMilli(event.epochMillis()), line);
            String level = event.level().name();
            line.append(' ').append(level).repeat(' ', 5 - level.length())
                    .append(" [").append(event.logger()).append("] ").append(event.message()).append('\n');
            if (event.error() != null) {
                line.append(stackTrace(event.error()));
            }
            return line.toString();
        }
    },
    JSON {
        @Override
        String render(LogEvent event) {
            StringBuilder line = new StringBuilder(128 + event.message().length());
            line.append("{\"timestamp\":").append(event.epochMillis()).append(",\"level\":\"")
                    .append(event.level().name()).append('"');
            field(line, "threadName", event.thread());
            field(line, "loggerName", event.logger());
            field(line, "message", event.message());
            if (event.error() != null) {
                field(line, "throwable", stackTrace(event.error()));
            }
            return line.append("}\n").toString();
        }
    };

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    abstract String render(LogEvent event);

    private static String stackTrace(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }

    private static void field(StringBuilder line, String name, String value) {
        line.append(",\"").append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < 0x20) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }
}
