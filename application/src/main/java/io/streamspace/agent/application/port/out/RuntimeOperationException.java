package io.streamspace.agent.application.port.out;

/** A runtime operation failed; the message is meant for a human (it ends up in a `failed` reply). */
public class RuntimeOperationException extends RuntimeException {
    public RuntimeOperationException(String message) {
        super(message);
    }

    public RuntimeOperationException(String message, Throwable cause) {
        super(message, cause);
    }
}
