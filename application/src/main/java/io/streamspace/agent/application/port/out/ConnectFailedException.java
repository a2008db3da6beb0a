package io.streamspace.agent.application.port.out;

/** The WebSocket could not be opened; {@code httpStatus} is the upgrade's answer, or 0 without one. */
public class ConnectFailedException extends Exception {

    private final int httpStatus;

    public ConnectFailedException(int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
