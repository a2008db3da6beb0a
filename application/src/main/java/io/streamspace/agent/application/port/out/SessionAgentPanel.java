package io.streamspace.agent.application.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A session agent's own status panel API, as a process beside the agent (the MCP gateway) reaches it: the agent's
 * view of its sessions, and the session actions the agent runs itself, with the control plane's handlers in its
 * per-session command queue, so its control plane hears of every change as usual.
 */
public interface SessionAgentPanel {

    /** Where the panel is, for messages (never with a credential). */
    String location();

    /**
     * The agent's sessions as it reports them.
     *
     * @throws PanelException when the panel cannot be asked or refuses the token
     */
    Listing sessions();

    /**
     * Asks the agent to run an action on one of its sessions and waits for its answer (a wake may take minutes).
     *
     * @param action {@code hibernate}, {@code wake} or {@code stop}
     * @throws PanelException when the panel cannot be asked or refuses the token
     */
    ActionAnswer act(String sessionId, String action) throws InterruptedException;

    /**
     * @param agentId     the agent whose panel it is
     * @param unavailable why the agent lists nothing (a standby, the runtime's error); null when it listed
     */
    record Listing(String agentId, String unavailable, List<Session> sessions) {
        public Listing {
            sessions = List.copyOf(sessions);
        }
    }

    /**
     * One session as the agent sees it.
     *
     * @param state           the state last reported to the control plane (else derived from the container)
     * @param containerStatus the engine's status of its container; null when there is no container yet
     * @param history         the states the agent reported, oldest first
     */
    record Session(String sessionId, String user, String template, String state, String container,
                   String containerStatus, String image, Instant startedAt, Instant lastActivity,
                   List<StateChange> history) {
        public Session {
            history = List.copyOf(history);
        }
    }

    /** A state the agent reported for a session, and when. */
    record StateChange(Instant at, String state, String message) {}

    /**
     * The agent's answer to an action.
     *
     * @param status  {@code done}, {@code failed} (the handler refused or the runtime failed), {@code refused} (the
     *                agent cannot act now, e.g. a standby) or {@code invalid}
     * @param message why, for a person; null when done
     * @param result  the handler's result when done
     */
    record ActionAnswer(String status, String message, Map<String, Object> result) {
        public ActionAnswer {
            Objects.requireNonNull(status);
            result = result == null ? Map.of() : Map.copyOf(result);
        }

        public boolean done() {
            return "done".equals(status);
        }
    }

    /** The panel could not be asked, or it refused the caller; the message says which and where. */
    final class PanelException extends RuntimeException {

        /** What went wrong. */
        public enum Problem {
            /** no connection, a timeout, or an answer that is not the panel's */
            UNREACHABLE,
            /** the caller has no token to present */
            NO_TOKEN,
            /** the panel refused the token (401) */
            TOKEN_REFUSED,
            /** the token is valid but lacks the write scope (403) */
            NO_WRITE_SCOPE
        }

        private final Problem problem;

        public PanelException(Problem problem, String message, Throwable cause) {
            super(message, cause);
            this.problem = Objects.requireNonNull(problem);
        }

        public PanelException(Problem problem, String message) {
            this(problem, message, null);
        }

        public Problem problem() {
            return problem;
        }
    }
}
