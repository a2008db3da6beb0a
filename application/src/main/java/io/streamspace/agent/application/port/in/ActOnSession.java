package io.streamspace.agent.application.port.in;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Hibernate, wake or stop a session from the status panel. The action runs the same handler the control plane's
 * command of that name runs, in the session's command queue, and reports the session's new state to the control
 * plane as that command would; only the command's own {@code ack}/{@code complete} are not sent (the control plane
 * sent no command).
 */
public interface ActOnSession {

    Outcome act(String sessionId, Action action, String requestedBy) throws InterruptedException;

    enum Action {
        HIBERNATE("hibernate_session"), WAKE("wake_session"), STOP("stop_session");

        private final String command;

        Action(String command) {
            this.command = command;
        }

        /** The control-plane command this action runs. */
        public String command() {
            return command;
        }

        public static Optional<Action> parse(String name) {
            for (Action a : values()) {
                if (a.name().equalsIgnoreCase(name) || a.command.equals(name)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * @param status  {@code done}, {@code failed} (the handler refused or the runtime failed), {@code refused}
     *                (this replica does not lead or cannot act now) or {@code invalid} (bad session id)
     * @param message why, for a person; null when done
     * @param result  the handler's result (as a {@code complete} would carry it); empty unless done
     */
    record Outcome(String status, String message, Map<String, Object> result) {
        public Outcome {
            Objects.requireNonNull(status);
            result = result == null ? Map.of() : Map.copyOf(result);
        }

        public boolean done() {
            return "done".equals(status);
        }
    }
}
