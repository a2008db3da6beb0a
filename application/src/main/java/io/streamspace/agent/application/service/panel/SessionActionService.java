package io.streamspace.agent.application.service.panel;

import io.streamspace.agent.application.port.in.ActOnSession;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.CommandScheduler;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.metrics.ActionCounts;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import io.streamspace.agent.domain.session.SessionId;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The status panel's session actions, through the very handlers and per-session queue the control plane's
 * commands use (never a side door to the runtime). Each is logged (without any token), published as a
 * {@code panel_action} event and counted by action and outcome. Only a leading replica acts.
 */
public final class SessionActionService implements ActOnSession {

    private static final System.Logger LOG = System.getLogger("StatusPanel");
    /** Longer than a session start may take, so a wake's answer is normally awaited. */
    static final Duration ANSWER_WITHIN = Duration.ofMinutes(3);

    private final Map<String, CommandHandler> handlers;
    private final CommandScheduler scheduler;
    private final ControlPlaneMessages messages;
    private final BooleanSupplier leading;
    private final AgentEventFeed feed;
    private final Map<String, ActionCounts> counts = new TreeMap<>();

    /**
     * @param handlers  the control plane's command handlers by action
     * @param scheduler the per-session command queue
     * @param messages  where the handlers' {@code status} messages go (the control plane, observed by the feed)
     */
    public SessionActionService(Map<String, CommandHandler> handlers, CommandScheduler scheduler,
                                ControlPlaneMessages messages, BooleanSupplier leading, AgentEventFeed feed) {
        this.handlers = Map.copyOf(handlers);
        this.scheduler = Objects.requireNonNull(scheduler);
        this.messages = Objects.requireNonNull(messages);
        this.leading = Objects.requireNonNull(leading);
        this.feed = Objects.requireNonNull(feed);
    }

    @Override
    public Outcome act(String sessionId, Action action, String requestedBy) throws InterruptedException {
        Objects.requireNonNull(action);
        if (sessionId == null || !SessionId.isValid(sessionId)) {
            return count(action, new Outcome("invalid", "not a valid session id", Map.of()));
        }
        if (!leading.getAsBoolean()) {
            return count(action, new Outcome("refused", "this replica is a standby; act on the leader's panel",
                    Map.of()));
        }
        CommandHandler handler = handlers.get(action.command());
        if (handler == null) {
            return count(action, new Outcome("refused", action.command() + " is not available in this role",
                    Map.of()));
        }
        LOG.log(Level.INFO, "Status panel: {0} of session {1} requested ({2})", action.command(), sessionId,
                requestedBy);
        publish(action, sessionId, "requested", null);
        InboundMessage.Command command = new InboundMessage.Command("panel-" + UUID.randomUUID(), action.command(),
                Map.of("sessionId", sessionId));
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        scheduler.schedule(command, () -> {
            try {
                answer.complete(handler.handle(command, messages));
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        });
        Outcome outcome;
        try {
            Map<String, Object> result = answer.get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            outcome = new Outcome("done", null, result);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String reason = cause instanceof CommandFailedException ? cause.getMessage()
                    : action.command() + " failed unexpectedly: " + cause;
            outcome = new Outcome("failed", reason, Map.of());
        } catch (TimeoutException e) {
            outcome = new Outcome("failed", action.command() + " is still running after "
                    + ANSWER_WITHIN.toMinutes() + " min; watch the session's state", Map.of());
        }
        LOG.log(outcome.done() ? Level.INFO : Level.WARNING, "Status panel: {0} of session {1}: {2}",
                action.command(), sessionId, outcome.done() ? "done" : outcome.message());
        publish(action, sessionId, outcome.status(), outcome.message());
        return count(action, outcome);
    }

    /** Actions asked for so far, by action: done counts as success, anything else as failure. */
    public synchronized Map<String, ActionCounts> counts() {
        return Map.copyOf(counts);
    }

    private synchronized Outcome count(Action action, Outcome outcome) {
        counts.merge(action.command(), ActionCounts.NONE.plus(outcome.done() ? CommandOutcome.SUCCESS
                : CommandOutcome.FAILURE), ActionCounts::plus);
        return outcome;
    }

    private void publish(Action action, String sessionId, String status, String message) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", action.command());
        details.put("session_id", sessionId);
        details.put("status", status);
        details.put("message", message);
        feed.publish("panel_action", "status panel: " + action.command() + " of " + sessionId + " " + status
                + (message == null ? "" : ": " + message), details);
    }
}
