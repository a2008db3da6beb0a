package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.exception.DockerException;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns docker-java failures into one-line {@link RuntimeOperationException}s a human can act on. */
final class DockerErrors {

    private static final Pattern STATUS_PREFIX = Pattern.compile("^Status \\d+:\\s*", Pattern.DOTALL);
    private static final Pattern JSON_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private DockerErrors() {}

    /**
     * Maps a failure of {@code action} against {@code dockerHost}. Transport failures (socket missing,
     * connection refused, timeouts) become "Cannot reach the Docker engine at ..."; engine errors keep the
     * engine's own message and status.
     */
    static RuntimeOperationException translate(String action, String dockerHost, RuntimeException failure) {
        if (failure instanceof RuntimeOperationException already) {
            return already;
        }
        if (failure instanceof DockerException engine) {
            return new RuntimeOperationException(
                    "Docker engine at " + dockerHost + " refused to " + action + ": "
                            + engineMessage(engine) + " (HTTP " + engine.getHttpStatus() + ")",
                    failure);
        }
        if (hasIoCause(failure)) {
            return unreachable(dockerHost, failure);
        }
        return new RuntimeOperationException(
                "Failed to " + action + " on the Docker engine at " + dockerHost + ": " + describe(rootCause(failure)),
                failure);
    }

    static RuntimeOperationException unreachable(String dockerHost, Throwable failure) {
        return new RuntimeOperationException(
                "Cannot reach the Docker engine at " + dockerHost + ": " + describe(rootCause(failure)), failure);
    }

    /** The engine's {@code {"message": ...}} text when the body carries one, else the exception message. */
    static String engineMessage(DockerException engine) {
        String message = String.valueOf(engine.getMessage());
        Matcher matcher = JSON_MESSAGE.matcher(message);
        if (matcher.find()) {
            return matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        String text = STATUS_PREFIX.matcher(message).replaceFirst("").strip();
        return text.isEmpty() ? "no message" : text;
    }

    static boolean hasIoCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The message of a throwable, falling back to its type when it has none (e.g. a bare timeout). */
    static String describe(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return message.strip();
    }
}
