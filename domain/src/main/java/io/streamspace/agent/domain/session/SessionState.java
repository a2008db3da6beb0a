package io.streamspace.agent.domain.session;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The session states the control plane knows, with the transitions the agent may report. */
public enum SessionState {
    PENDING, RUNNING, HIBERNATING, HIBERNATED, WAKING, TERMINATING, TERMINATED, FAILED;

    /** The state as it appears in a {@code status} message. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SessionState> fromWire(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (SessionState s : values()) {
            if (s.wireName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Whether nothing follows this state (the session is gone). */
    public boolean isFinal() {
        return this == TERMINATED;
    }

    /**
     * Whether a session in this state may move to {@code next}. Repeating a state is legal (the control plane
     * accepts repeated {@code status}); every live state may fail or be terminated; a failed session may be
     * restarted by its container's restart policy and run again.
     */
    public boolean canTransitionTo(SessionState next) {
        return next == this || successors().contains(next);
    }

    public Set<SessionState> successors() {
        return switch (this) {
            case PENDING -> EnumSet.of(RUNNING, FAILED, TERMINATING, TERMINATED);
            case RUNNING -> EnumSet.of(HIBERNATING, HIBERNATED, FAILED, TERMINATING, TERMINATED);
            case HIBERNATING -> EnumSet.of(HIBERNATED, RUNNING, FAILED, TERMINATING, TERMINATED);
            case HIBERNATED -> EnumSet.of(WAKING, RUNNING, FAILED, TERMINATING, TERMINATED);
            case WAKING -> EnumSet.of(RUNNING, HIBERNATED, FAILED, TERMINATING, TERMINATED);
            case TERMINATING -> EnumSet.of(TERMINATED, FAILED);
            case FAILED -> EnumSet.of(RUNNING, TERMINATING, TERMINATED);
            case TERMINATED -> EnumSet.noneOf(SessionState.class);
        };
    }
}
