package io.streamspace.agent.application.service.panel;

import io.streamspace.agent.application.port.in.HandleControlPlaneCommand;
import io.streamspace.agent.application.service.CommandScheduler;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the feed learns about commands and sessions: it wraps the command handler the link dispatches to
 * ({@code command_received}), the scheduler that runs their work ({@code command_started}) and the messages every service sends to the control plane ({@code command_answered}
 * from {@code complete}/{@code failed}, {@code session_state} from {@code status}). It only observes: every call
 * is passed on unchanged, and a failure to publish never reaches the caller.
 */
public final class PanelEvents {

    private static final System.Logger LOG = System.getLogger("DockerAgent");
    /** Commands remembered between their receipt and their answer (for the answer's action and session). */
    private static final int OPEN_COMMANDS = 1_000;

    private final AgentEventFeed feed;
    private final SessionHistory history;
    private final Clock clock;
    private final Map<String, InboundMessage.Command> open = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, InboundMessage.Command> eldest) {
            return size() > OPEN_COMMANDS;
        }
    };

    public PanelEvents(AgentEventFeed feed, SessionHistory history, Clock clock) {
        this.feed = Objects.requireNonNull(feed);
        this.history = Objects.requireNonNull(history);
        this.clock = Objects.requireNonNull(clock);
    }

    public AgentEventFeed feed() {
        return feed;
    }

    /** The command handler, publishing {@code command_received} before passing each command on. */
    public HandleControlPlaneCommand commands(HandleControlPlaneCommand delegate) {
        Objects.requireNonNull(delegate);
        return new HandleControlPlaneCommand() {
            @Override
            public void handle(InboundMessage.Command command) {
                safely(() -> received(command));
                delegate.handle(command);
            }

            /** Passes the batch on whole, so the router's group commit is kept. */
            @Override
            public void handleAll(List<InboundMessage.Command> commands) {
                commands.forEach(command -> safely(() -> received(command)));
                delegate.handleAll(commands);
            }
        };
    }

    /**
     * The command scheduler, publishing {@code command_started} when a command's work begins (it may wait behind
     * another command for the same session, or for a start slot).
     */
    public CommandScheduler scheduler(CommandScheduler delegate) {
        Objects.requireNonNull(delegate);
        return (command, work) -> delegate.schedule(command, () -> {
            safely(() -> started(command));
            work.run();
        });
    }

    /** The outgoing messages, publishing answers and session states after passing each message on. */
    public ControlPlaneMessages messages(ControlPlaneMessages delegate) {
        Objects.requireNonNull(delegate);
        return new ControlPlaneMessages() {
            @Override
            public void send(OutboundMessage message) {
                delegate.send(message);
                safely(() -> sent(message));
            }

            /** Passes the answer on whole, so the delegate keeps it back until its journal entry has ended. */
            @Override
            public void answer(OutboundMessage answer, Runnable answered) {
                delegate.answer(answer, answered);
                safely(() -> sent(answer));
            }
        };
    }

    private void received(InboundMessage.Command command) {
        synchronized (open) {
            if (command.commandId() != null) {
                open.put(command.commandId(), command);
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("command_id", command.commandId());
        details.put("action", command.action());
        details.put("session_id", sessionOf(command));
        feed.publish("command_received", "received " + command.action()
                + (sessionOf(command) == null ? "" : " for " + sessionOf(command)), details);
    }

    private void started(InboundMessage.Command command) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("command_id", command.commandId());
        details.put("action", command.action());
        details.put("session_id", sessionOf(command));
        feed.publish("command_started", "started " + command.action()
                + (sessionOf(command) == null ? "" : " for " + sessionOf(command)), details);
    }

    private void sent(OutboundMessage message) {
        switch (message) {
            case OutboundMessage.Complete c -> answered(c.commandId(), "success", null);
            case OutboundMessage.Failed f -> answered(f.commandId(), "failure", f.error());
            case OutboundMessage.SessionStatus s -> sessionState(s);
            default -> {
                // heartbeats, acks, pongs and tunnel bytes are not events
            }
        }
    }

    private void answered(String commandId, String outcome, String error) {
        InboundMessage.Command command;
        synchronized (open) {
            command = open.remove(commandId);
        }
        String action = command == null ? null : command.action();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("command_id", commandId);
        details.put("action", action);
        details.put("session_id", command == null ? null : sessionOf(command));
        details.put("outcome", outcome);
        details.put("error", error);
        feed.publish("command_answered", (action == null ? "command " + commandId : action) + " "
                + ("success".equals(outcome) ? "completed" : "failed: " + error), details);
    }

    private void sessionState(OutboundMessage.SessionStatus status) {
        if (!history.record(status.sessionId(), status.state(), status.message(), clock.instant())) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("session_id", status.sessionId());
        details.put("state", status.state());
        details.put("message", status.message());
        feed.publish("session_state", "session " + status.sessionId() + " is " + status.state()
                + (status.message() == null || status.message().isBlank() ? "" : " (" + status.message() + ")"),
                details);
    }

    private static String sessionOf(InboundMessage.Command command) {
        Object id = command.payload() == null ? null : command.payload().get("sessionId");
        return id instanceof String s ? s : null;
    }

    private static void safely(Runnable publish) {
        try {
            publish.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not publish a status-panel event: {0}", e.toString());
        }
    }
}
