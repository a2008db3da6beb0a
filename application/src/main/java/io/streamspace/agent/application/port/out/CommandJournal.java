package io.streamspace.agent.application.port.out;

import java.util.List;

/**
 * Durable record of the commands this agent acknowledged and has not answered yet. The control plane keeps no
 * outbox and never re-sends a command, so a command that was acknowledged by a process that then died
 * ({@code kill -9}, power loss) would stay unanswered, and its session stuck, unless the next process learns about
 * it: it reads what the previous process left ({@link #unfinishedAtStart()}), answers each from what the runtime
 * shows, and {@link #end ends} it.
 */
public interface CommandJournal {

    /** One acknowledged command; {@code sessionId} may be null when the payload named none. */
    record Entry(String commandId, String action, String sessionId) {}

    /** Stores the command durably before returning (called before the {@code ack} is sent). */
    void begin(Entry entry);

    /**
     * Stores all {@code entries} durably before returning, in their order (called before their {@code ack}s are
     * sent). A journal that can make a batch durable with one write and one sync (a group commit) overrides this;
     * by default each entry is begun on its own.
     */
    default void beginAll(List<Entry> entries) {
        entries.forEach(this::begin);
    }

    /** The command was answered ({@code complete}/{@code failed} is in the outbox): forget it. Idempotent. */
    void end(String commandId);

    /** What a previous process acknowledged and never answered, as found when this journal was opened. */
    List<Entry> unfinishedAtStart();

    /** A journal that keeps nothing (for tests and tools without a disk). */
    static CommandJournal none() {
        return new Nothing();
    }

    /** The journal that keeps nothing: a value without state. */
    record Nothing() implements CommandJournal {
        @Override
        public void begin(Entry entry) {
        }

        @Override
        public void end(String commandId) {
        }

        @Override
        public List<Entry> unfinishedAtStart() {
            return List.of();
        }
    }
}
