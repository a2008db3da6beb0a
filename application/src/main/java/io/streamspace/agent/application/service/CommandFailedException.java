package io.streamspace.agent.application.service;

/** A command could not be carried out; the message goes to the control plane as the {@code failed} error. */
public class CommandFailedException extends Exception {

    public CommandFailedException(String message) {
        super(message);
    }

    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
