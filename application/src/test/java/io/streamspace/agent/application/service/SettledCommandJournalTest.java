package io.streamspace.agent.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.out.CommandJournal;
import io.streamspace.agent.application.port.out.Outbox;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A command whose answer waits in the outbox was answered: it is ended at start, not answered a second time. */
class SettledCommandJournalTest {

    private final List<String> calls = new ArrayList<>();

    /** The messages a previous process left, in order. */
    private static Outbox outboxHolding(OutboundMessage... waiting) {
        List<OutboundMessage> messages = new ArrayList<>(List.of(waiting));
        return new Outbox() {
            @Override
            public void append(OutboundMessage message) {
                messages.add(message);
            }

            @Override
            public List<OutboundMessage> peek(int max) {
                return List.copyOf(messages.subList(0, Math.min(max, messages.size())));
            }

            @Override
            public void remove(int count) {
                messages.subList(0, count).clear();
            }

            @Override
            public int size() {
                return messages.size();
            }
        };
    }

    private static CommandJournal.Entry entry(String commandId) {
        return new CommandJournal.Entry(commandId, "start_session", "s-" + commandId);
    }

    @Test
    void commandsAnsweredInTheOutboxAreEndedAndOnlyTheOthersAreLeftToAnswer() {
        Outbox outbox = outboxHolding(
                new OutboundMessage.Ack("c-acked"),
                new OutboundMessage.SessionStatus("s-c-status", "running", true, 5900, Map.of(), null),
                new OutboundMessage.Complete("c-complete", Map.of("sessionId", "s-c-complete")),
                new OutboundMessage.Failed("c-failed", "image x not found"),
                new OutboundMessage.Complete("c-not-journaled", Map.of()));

        SettledCommandJournal settled = SettledCommandJournal.settle(new RecordingJournal(calls, entry("c-acked"),
                entry("c-complete"), entry("c-status"), entry("c-failed"), entry("c-open")), outbox);

        assertThat(settled.unfinishedAtStart()).as("an ack or a status answers no command")
                .containsExactly(entry("c-acked"), entry("c-status"), entry("c-open"));
        assertThat(calls).containsExactly("end c-complete", "end c-failed");
        assertThat(outbox.size()).as("the answers stay in the outbox, to be sent").isEqualTo(5);
    }

    @Test
    void anEmptyJournalDoesNotReadTheOutboxAndTheSettledJournalPassesEverythingOn() {
        Outbox untouchable = new Outbox() {
            @Override
            public void append(OutboundMessage message) {
                throw new AssertionError();
            }

            @Override
            public List<OutboundMessage> peek(int max) {
                throw new AssertionError("nothing to settle: the outbox is not read");
            }

            @Override
            public void remove(int count) {
                throw new AssertionError();
            }

            @Override
            public int size() {
                throw new AssertionError("nothing to settle: the outbox is not read");
            }
        };
        SettledCommandJournal settled = SettledCommandJournal.settle(new RecordingJournal(calls), untouchable);
        settled.begin(entry("a"));
        settled.beginAll(List.of(entry("b"), entry("c")));
        settled.end("a");
        assertThat(settled.unfinishedAtStart()).isEmpty();
        assertThat(calls).containsExactly("begin a", "beginAll [b, c]", "end a");
    }
}
