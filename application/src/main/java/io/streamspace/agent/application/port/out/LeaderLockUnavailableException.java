package io.streamspace.agent.application.port.out;

/**
 * The leader lock's backend cannot be reached or refused the request, e.g.
 * {@code Cannot reach Redis at redis://redis:6379/0: Connection refused}. The message is precise and never contains
 * a password.
 */
public class LeaderLockUnavailableException extends RuntimeException {

    public LeaderLockUnavailableException(String message) {
        super(message);
    }

    public LeaderLockUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
