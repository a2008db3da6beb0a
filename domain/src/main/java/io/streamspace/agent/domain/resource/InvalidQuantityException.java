package io.streamspace.agent.domain.resource;

/** A resource value that is not a usable Kubernetes quantity; the message says why, for a human. */
public final class InvalidQuantityException extends IllegalArgumentException {

    public InvalidQuantityException(String message) {
        super(message);
    }
}
