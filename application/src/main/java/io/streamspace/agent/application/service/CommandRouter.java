package io.streamspace.agent.application.service;

import io.streamspace.agent.application.port.in.HandleControlPlaneCommand;
import io.streamspace.agent.application.port.out.CommandJournal;
import io.streamspace.agent.application.service.metrics.CommandOutcomeListener;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Executor;

/**
 * Acknowledges every command on receipt, before any work and also for unknown actions, then runs its handler
 * off the socket's reader thread and reports {@code complete} or {@code failed}.
 */
public final class CommandRouter implements HandleControlPlaneCommand {

    private static final System.Logger LOG = System.getLogger("DockerAgent");

    private final Map<String, CommandHandler> handlers;
    private final ControlPlaneMessages messages;
    private final CommandScheduler scheduler;
    private final CommandJournal journal;
    private final CommandOutcomeListener outcomes;

    /**
     * Runs each command's handler on {@code executor}; when the executor is also a {@link CommandScheduler}
     * (such as the per-session queue), it is asked to schedule with the command in hand.
     */
    @Inject
    public CommandRouter(Map<String, CommandHandler> handlers, ControlPlaneMessages messages, Executor executor) {
        this(handlers, messages, schedulerOf(Objects.requireNonNull(executor)));
    }

    private CommandRouter(Map<String, CommandHandler> handlers, ControlPlaneMessages messages,
                          CommandScheduler scheduler) {
        this(handlers, messages, scheduler, CommandJournal.none(), CommandOutcomeListener.NONE);
    }

    private CommandRouter(Map<String, CommandHandler> handlers, ControlPlaneMessages messages,
                          CommandScheduler scheduler, CommandJournal journal, CommandOutcomeListener outcomes) {
        this.handlers = Map.copyOf(handlers);
        this.messages = Objects.requireNonNull(messages);
        this.scheduler = Objects.requireNonNull(scheduler);
        this.journal = Objects.requireNonNull(journal);
        this.outcomes = Objects.requireNonNull(outcomes);
    }

    /** A router that lets {@code scheduler} decide where and when each command's work runs. */
    public static CommandRouter scheduledBy(Map<String, CommandHandler> handlers, ControlPlaneMessages messages,
                                            CommandScheduler scheduler) {
        return new CommandRouter(handlers, messages, Objects.requireNonNull(scheduler));
    }

    /**
     * Like {@link #scheduledBy(Map, ControlPlaneMessages, CommandScheduler)}, and every command with a handler is
     * written to {@code journal} before its {@code ack} and removed once its answer is stored (before the answer is
     * sent), so a command acknowledged by a process that dies is answered by the next one,
     * and one that was answered is not answered again by it.
     */
    public static CommandRouter scheduledBy(Map<String, CommandHandler> handlers, ControlPlaneMessages messages,
                                            CommandScheduler scheduler, CommandJournal journal) {
        return new CommandRouter(handlers, messages, Objects.requireNonNull(scheduler), journal,
                CommandOutcomeListener.NONE);
    }

    /**
     * Like {@link #scheduledBy(Map, ControlPlaneMessages, CommandScheduler, CommandJournal)}, and {@code outcomes}
     * is told of every answered command: {@code complete} as a success, {@code failed} (unknown actions included) as
     * a failure. Commands without a usable id are ignored, not answered, and so not counted.
     */
    public static CommandRouter scheduledBy(Map<String, CommandHandler> handlers, ControlPlaneMessages messages,
                                            CommandScheduler scheduler, CommandJournal journal,
                                            CommandOutcomeListener outcomes) {
        return new CommandRouter(handlers, messages, Objects.requireNonNull(scheduler), journal, outcomes);
    }

    private static CommandScheduler schedulerOf(Executor executor) {
        return executor instanceof CommandScheduler s ? s : (command, work) -> executor.execute(work);
    }

    private volatile String refusingWith;

    /**
     * From now on every command is acknowledged and failed with {@code reason} (a graceful shutdown: in-flight
     * commands finish, new ones go to the next leader or process).
     */
    public void refuseNewCommands(String reason) {
        Objects.requireNonNull(reason);
        // waits for a command being admitted right now, so everything acknowledged is already scheduled
        admission.lock();
        try {
            this.refusingWith = reason;
        } finally {
            admission.unlock();
        }
    }

    /** Held from a command's ack until its work is scheduled. */
    private final java.util.concurrent.locks.ReentrantLock admission = new java.util.concurrent.locks.ReentrantLock();

    @Override
    public void handle(InboundMessage.Command command) {
        handleAll(List.of(command));
    }

    /**
     * Group commit: the journal entries of all {@code commands} are made durable together (one sync for the
     * batch), and only then is each acknowledged and scheduled, in order. Every ack still follows its durable
     * entry (ADR 0004); a burst of commands waits for one sync instead of one per command.
     */
    @Override
    public void handleAll(List<InboundMessage.Command> commands) {
        admission.lock();
        try {
            List<CommandJournal.Entry> entries = new ArrayList<>(commands.size());
            for (InboundMessage.Command command : commands) {
                if (validId(command) && command.action() != null && handlers.containsKey(command.action())) {
                    Object sessionId = command.payload() == null ? null : command.payload().get("sessionId");
                    entries.add(new CommandJournal.Entry(command.commandId(), command.action(),
                            sessionId instanceof String s ? s : null));
                }
            }
            if (!entries.isEmpty()) {
                try {
                    journal.beginAll(entries);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "Could not record command(s) " + entries.stream()
                            .map(CommandJournal.Entry::commandId).toList() + " in the command journal (they will"
                            + " not be answered if the agent dies before they finish)", e);
                }
            }
            for (InboundMessage.Command command : commands) {
                admit(command);
            }
        } finally {
            admission.unlock();
        }
    }

    private static boolean validId(InboundMessage.Command command) {
        String commandId = command.commandId();
        return commandId != null && !commandId.isBlank() && commandId.length() <= 255;
    }

    /** Acknowledges and schedules one command whose journal entry (if it has a handler) is already durable. */
    private void admit(InboundMessage.Command command) {
        String commandId = command.commandId();
        if (!validId(command)) {
            // Without a usable id there is nothing the control plane could match an answer to.
            LOG.log(Level.WARNING, "Ignoring command without a valid commandId (action: {0})", command.action());
            return;
        }
        CommandHandler handler = command.action() == null ? null : handlers.get(command.action());
        String refusal = refusingWith;
        if (refusal != null) {
            messages.send(new OutboundMessage.Ack(commandId));
            LOG.log(Level.WARNING, "Command {0} ({1}) refused: {2}", commandId, command.action(), refusal);
            OutboundMessage.Failed failed = new OutboundMessage.Failed(commandId, refusal);
            if (handler == null) {
                messages.send(failed);
                finished(command.action(), CommandOutcome.FAILURE);
            } else {
                // journaled by handleAll like any command with a handler: it must leave the journal, or the next
                // process would answer it a second time
                deliver(command, failed);
            }
            return;
        }
        messages.send(new OutboundMessage.Ack(commandId));
        if (handler == null) {
            String reason = "unknown action '" + command.action() + "'; this agent supports " + (handlers.isEmpty() ? "no actions yet" : "")
                    + String.join(", ", new TreeSet<>(handlers.keySet()));
            LOG.log(Level.WARNING, "Command {0} failed: {1}", commandId, reason);
            messages.send(new OutboundMessage.Failed(commandId, reason));
            finished(command.action(), CommandOutcome.FAILURE);
            return;
        }
        LOG.log(Level.INFO, "Received command {0}: {1}", commandId, command.action());
        scheduler.schedule(command, () -> run(handler, command));
    }

    private void run(CommandHandler handler, InboundMessage.Command command) {
        deliver(command, answer(handler, command));
    }

    /**
     * Sends a journaled command's terminal answer; its journal entry ends once the answer is stored and before the
     * answer can reach the control plane ({@link ControlPlaneMessages#answer}), so a process killed at any point
     * leaves the command either in the journal or answered, and the next process does not answer an answered
     * command again (ADR 0031).
     */
    private void deliver(InboundMessage.Command command, OutboundMessage answer) {
        String commandId = command.commandId();
        try {
            messages.answer(answer, () -> endJournalEntry(commandId));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Could not store the " + answer.type() + " answer to command " + commandId + " ("
                    + command.action() + "); it stays in the command journal and the agent's next start answers it", e);
            return;
        }
        boolean complete = answer instanceof OutboundMessage.Complete;
        if (complete) {
            LOG.log(Level.INFO, "Command {0} ({1}) completed", commandId, command.action());
        }
        finished(command.action(), complete ? CommandOutcome.SUCCESS : CommandOutcome.FAILURE);
    }

    private void endJournalEntry(String commandId) {
        try {
            journal.end(commandId);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not remove command {0} from the command journal: {1}", commandId,
                    e.toString());
        }
    }

    /** The handler's outcome as the command's terminal answer: {@code complete} with its result, or {@code failed}. */
    private OutboundMessage answer(CommandHandler handler, InboundMessage.Command command) {
        try {
            Map<String, Object> result = handler.handle(command, messages);
            return new OutboundMessage.Complete(command.commandId(), result == null ? Map.of() : result);
        } catch (CommandFailedException e) {
            LOG.log(Level.WARNING, "Command {0} ({1}) failed: {2}", command.commandId(), command.action(),
                    e.getMessage());
            return new OutboundMessage.Failed(command.commandId(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new OutboundMessage.Failed(command.commandId(),
                    command.action() + " was interrupted because the agent is shutting down");
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Command " + command.commandId() + " (" + command.action() + ") crashed", e);
            return new OutboundMessage.Failed(command.commandId(), command.action() + " failed unexpectedly: " + e);
        }
    }

    private void finished(String action, CommandOutcome outcome) {
        try {
            outcomes.finished(action, outcome);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Recording the outcome of a {0} command failed: {1}", action, e.toString());
        }
    }
}
