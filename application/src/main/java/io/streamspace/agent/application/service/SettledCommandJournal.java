package io.streamspace.agent.application.service;

import io.streamspace.agent.application.port.out.CommandJournal;
import io.streamspace.agent.application.port.out.Outbox;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The command journal as the agent uses it, settled against the outbox when both are opened and before anything is
 * sent. An answer is stored in the outbox before its command leaves the journal ({@link ControlPlaneMessages#answer});
 * a process killed in between leaves the command in the journal with its {@code complete} or {@code failed} waiting
 * in the outbox. That command was answered: the outbox delivers the answer, so its entry is ended here and it is not
 * among {@link #unfinishedAtStart()}, which the reconciler would answer a second time (ADR 0031). An {@code ack}
 * or a {@code status} waiting in the outbox answers nothing.
 */
public final class SettledCommandJournal implements CommandJournal {

    private static final System.Logger LOG = System.getLogger("DockerAgent");

    private final CommandJournal journal;
    private final List<Entry> unfinished;

    private SettledCommandJournal(CommandJournal journal, List<Entry> unfinished) {
        this.journal = journal;
        this.unfinished = List.copyOf(unfinished);
    }

    /** Ends every entry of {@code journal} whose terminal answer waits in {@code outbox}; call before sending. */
    public static SettledCommandJournal settle(CommandJournal journal, Outbox outbox) {
        Objects.requireNonNull(journal);
        List<Entry> left = journal.unfinishedAtStart();
        if (left.isEmpty()) {
            return new SettledCommandJournal(journal, left);
        }
        Set<String> answered = new HashSet<>();
        for (OutboundMessage waiting : outbox.peek(outbox.size())) {
            if (waiting.answeredCommandId() != null) { // acks and statuses answer no command
                answered.add(waiting.answeredCommandId());
            }
        }
        List<Entry> unanswered = new ArrayList<>(left.size());
        for (Entry entry : left) {
            if (answered.contains(entry.commandId())) {
                LOG.log(Level.INFO, "Command {0} ({1}) was answered before the agent restarted; its answer waits in"
                        + " the outbox and is sent from there", entry.commandId(), entry.action());
                journal.end(entry.commandId());
            } else {
                unanswered.add(entry);
            }
        }
        return new SettledCommandJournal(journal, unanswered);
    }

    @Override
    public void begin(Entry entry) {
        journal.begin(entry);
    }

    @Override
    public void beginAll(List<Entry> entries) {
        journal.beginAll(entries);
    }

    @Override
    public void end(String commandId) {
        journal.end(commandId);
    }

    /** What a previous process acknowledged and never answered, without the commands answered in the outbox. */
    @Override
    public List<Entry> unfinishedAtStart() {
        return unfinished;
    }

    @Override
    public String toString() {
        return journal.toString();
    }
}
