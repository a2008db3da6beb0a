package io.streamspace.agent.application.port.in;

/** No container, session, stack or image of that name exists on this host. */
public final class ObjectNotFoundException extends RuntimeException {

    public ObjectNotFoundException(String message) {
        super(message);
    }
}
