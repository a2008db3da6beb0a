package io.streamspace.agent.application.port.in;

/**
 * The object exists but is outside what the caller may see or touch (it does not carry this agent's owner labels).
 * The message says which labels were looked for; the caller adds how to widen the scope.
 */
public final class OutOfScopeException extends RuntimeException {

    public OutOfScopeException(String message) {
        super(message);
    }
}
