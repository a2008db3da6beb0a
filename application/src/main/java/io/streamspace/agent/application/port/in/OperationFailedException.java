package io.streamspace.agent.application.port.in;

/** A use case could not be carried out; the message is the reason a human (or a model) can act on. */
public final class OperationFailedException extends RuntimeException {

    public OperationFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public OperationFailedException(String message) {
        super(message);
    }
}
