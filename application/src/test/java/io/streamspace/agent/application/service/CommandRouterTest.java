package io.streamspace.agent.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.out.CommandJournal;
import io.streamspace.agent.application.service.metrics.CommandOutcomeListener;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CommandRouterTest {

    private final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
    private final ControlPlaneMessages messages = sent::add;

    @Test
    void acknowledgesBeforeRunningAndCompletesWithTheResult() {
        CommandHandler handler = (command, out) -> {
            assertThat(sent).containsExactly(new OutboundMessage.Ack("cmd-1"));
            return Map.of("sessionId", "s1");
        };
        new CommandRouter(Map.of("start_session", handler), messages, Runnable::run)
                .handle(new InboundMessage.Command("cmd-1", "start_session", Map.of()));
        assertThat(sent).containsExactly(new OutboundMessage.Ack("cmd-1"),
                new OutboundMessage.Complete("cmd-1", Map.of("sessionId", "s1")));
    }

    @Test
    void unknownActionIsAcknowledgedThenFailedNamingTheAction() {
        new CommandRouter(Map.of("stop_session", (c, o) -> Map.of()), messages, Runnable::run)
                .handle(new InboundMessage.Command("cmd-2", "format_disk", Map.of()));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0)).isEqualTo(new OutboundMessage.Ack("cmd-2"));
        assertThat(((OutboundMessage.Failed) sent.get(1)).error())
                .contains("unknown action 'format_disk'").contains("stop_session");
    }

    @Test
    void handlerFailureAndCrashBecomeFailedReplies() {
        CommandHandler refusing = (c, o) -> {
            throw new CommandFailedException("image x not found");
        };
        CommandHandler crashing = (c, o) -> {
            throw new IllegalStateException("boom");
        };
        var router = new CommandRouter(Map.of("a", refusing, "b", crashing), messages, Runnable::run);
        router.handle(new InboundMessage.Command("cmd-a", "a", Map.of()));
        router.handle(new InboundMessage.Command("cmd-b", "b", Map.of()));
        assertThat(sent).contains(new OutboundMessage.Failed("cmd-a", "image x not found"));
        assertThat(sent).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(OutboundMessage.Failed.class,
                f -> assertThat(f.error()).startsWith("b failed unexpectedly").contains("boom")));
    }

    @Test
    void aCommandIsJournaledBeforeItsAckAndLeavesTheJournalAfterItsAnswer() {
        List<String> events = new CopyOnWriteArrayList<>();
        ControlPlaneMessages recording = m -> events.add("send " + m.type());
        CommandJournal journal = new CommandJournal() {
            @Override
            public void begin(Entry entry) {
                events.add("begin " + entry);
            }

            @Override
            public void end(String commandId) {
                events.add("end " + commandId);
            }

            @Override
            public List<Entry> unfinishedAtStart() {
                return List.of();
            }
        };
        CommandRouter router = CommandRouter.scheduledBy(Map.of("start_session", (c, o) -> Map.of()), recording,
                (command, work) -> work.run(), journal);
        router.handle(new InboundMessage.Command("cmd-j", "start_session", Map.of("sessionId", "s1")));
        router.handle(new InboundMessage.Command("cmd-u", "format_disk", Map.of()));
        assertThat(events).containsExactly(
                "begin " + new CommandJournal.Entry("cmd-j", "start_session", "s1"), "send ack", "send complete",
                "end cmd-j", "send ack", "send failed");
    }

    @Test
    void everyTerminalAnswerEndsItsJournalEntryWhileItIsStoredAndBeforeItIsReleased() {
        List<String> events = new CopyOnWriteArrayList<>();
        CommandHandler refusing = (c, o) -> {
            throw new CommandFailedException("image x not found");
        };
        CommandRouter router = CommandRouter.scheduledBy(Map.of("start_session", (c, o) -> Map.of(),
                        "stop_session", refusing), new RecordingMessages(events), (command, work) -> work.run(),
                new RecordingJournal(events));
        router.handle(new InboundMessage.Command("c1", "start_session", Map.of("sessionId", "s1")));
        router.handle(new InboundMessage.Command("c2", "stop_session", Map.of("sessionId", "s1")));
        router.handle(new InboundMessage.Command("c3", "format_disk", Map.of()));
        assertThat(events).containsExactly(
                "beginAll [c1]", "send ack", "store complete", "end c1", "release complete",
                "beginAll [c2]", "send ack", "store failed", "end c2", "release failed",
                // not journaled: answered at once, and nothing to end
                "send ack", "send failed");
    }

    @Test
    void aRefusedCommandLeavesTheJournalSoTheNextProcessDoesNotAnswerItAgain() {
        List<String> events = new CopyOnWriteArrayList<>();
        CommandRouter router = CommandRouter.scheduledBy(Map.of("start_session", (c, o) -> Map.of()),
                new RecordingMessages(events), (command, work) -> work.run(), new RecordingJournal(events));
        router.refuseNewCommands("the agent is shutting down; send the command again");
        router.handle(new InboundMessage.Command("c1", "start_session", Map.of("sessionId", "s1")));
        router.handle(new InboundMessage.Command("c2", "format_disk", Map.of()));
        assertThat(events).containsExactly("beginAll [c1]", "send ack", "store failed", "end c1", "release failed",
                "send ack", "send failed");
    }

    @Test
    void anAnswerThatCannotBeStoredLeavesItsCommandInTheJournalForTheNextProcess() {
        List<String> events = new CopyOnWriteArrayList<>();
        ControlPlaneMessages diskFull = new ControlPlaneMessages() {
            @Override
            public void send(OutboundMessage message) {
                events.add("send " + message.type());
            }

            @Override
            public void answer(OutboundMessage answer, Runnable answered) {
                throw new java.io.UncheckedIOException(new java.io.IOException("No space left on device"));
            }
        };
        List<String> outcomes = new CopyOnWriteArrayList<>();
        CommandRouter router = CommandRouter.scheduledBy(Map.of("start_session", (c, o) -> Map.of()), diskFull,
                (command, work) -> work.run(), new RecordingJournal(events), (action, outcome) -> outcomes.add(action));
        router.handle(new InboundMessage.Command("c1", "start_session", Map.of("sessionId", "s1")));
        router.handle(new InboundMessage.Command("c2", "start_session", Map.of("sessionId", "s2")));
        assertThat(events).as("no entry ended, and the router goes on with the next command")
                .containsExactly("beginAll [c1]", "send ack", "beginAll [c2]", "send ack");
        assertThat(outcomes).as("nothing was answered, so nothing is counted").isEmpty();
    }

    @Test
    void commandsThatArriveTogetherAreJournaledInOneBatchBeforeTheFirstAck() {
        List<String> events = new CopyOnWriteArrayList<>();
        ControlPlaneMessages recording = m -> events.add("send " + m.type());
        CommandJournal journal = new RecordingJournal(events); // a "begin" event would break the order below
        List<Runnable> scheduled = new CopyOnWriteArrayList<>();
        CommandRouter router = CommandRouter.scheduledBy(Map.of("start_session", (c, o) -> Map.of()), recording,
                (command, work) -> scheduled.add(work), journal);
        router.handleAll(List.of(new InboundMessage.Command("c1", "start_session", Map.of("sessionId", "s1")),
                new InboundMessage.Command("", "start_session", Map.of()),
                new InboundMessage.Command("c2", "format_disk", Map.of()),
                new InboundMessage.Command("c3", "start_session", Map.of("sessionId", "s3"))));
        assertThat(events).containsExactly("beginAll [c1, c3]", "send ack", "send ack", "send failed", "send ack");
        scheduled.forEach(Runnable::run);
        assertThat(events).endsWith("send complete", "end c1", "send complete", "end c3");
    }

    @Test
    void commandWithoutIdIsIgnored() {
        new CommandRouter(Map.of(), messages, Runnable::run).handle(new InboundMessage.Command("", "x", Map.of()));
        assertThat(sent).isEmpty();
    }

    @Test
    void everyAnsweredCommandIsReportedWithItsOutcomeAfterItsAnswer() {
        List<String> outcomes = new CopyOnWriteArrayList<>();
        CommandOutcomeListener listener = (action, outcome) ->
                outcomes.add(action + "=" + outcome + " after " + sent.get(sent.size() - 1).type());
        CommandHandler refusing = (c, o) -> {
            throw new CommandFailedException("no such session");
        };
        CommandHandler crashing = (c, o) -> {
            throw new IllegalStateException("boom");
        };
        CommandRouter router = CommandRouter.scheduledBy(Map.of("start_session", (c, o) -> Map.of(),
                        "stop_session", refusing, "hibernate_session", crashing), messages,
                (command, work) -> work.run(), CommandJournal.none(), listener);
        router.handle(new InboundMessage.Command("c1", "start_session", Map.of()));
        router.handle(new InboundMessage.Command("c2", "stop_session", Map.of()));
        router.handle(new InboundMessage.Command("c3", "hibernate_session", Map.of()));
        router.handle(new InboundMessage.Command("c4", "format_disk", Map.of()));
        router.handle(new InboundMessage.Command("", "start_session", Map.of()));
        assertThat(outcomes).containsExactly(
                "start_session=" + CommandOutcome.SUCCESS + " after complete",
                "stop_session=" + CommandOutcome.FAILURE + " after failed",
                "hibernate_session=" + CommandOutcome.FAILURE + " after failed",
                "format_disk=" + CommandOutcome.FAILURE + " after failed");
    }

    @Test
    void aThrowingListenerDoesNotDisturbTheAnswers() {
        CommandRouter router = CommandRouter.scheduledBy(Map.of("start_session", (c, o) -> Map.of()), messages,
                (command, work) -> work.run(), CommandJournal.none(), (action, outcome) -> {
                    throw new IllegalStateException("metrics broke");
                });
        router.handle(new InboundMessage.Command("c1", "start_session", Map.of()));
        router.handle(new InboundMessage.Command("c2", "nope", Map.of()));
        assertThat(sent).extracting(OutboundMessage::type).containsExactly("ack", "complete", "ack", "failed");
    }

    @Test
    void afterRefuseNewCommandsEveryCommandIsAcknowledgedAndFailedWithTheReason() {
        CommandRouter router = new CommandRouter(Map.of("start_session", (c, o) -> Map.of()), messages, Runnable::run);
        router.refuseNewCommands("the agent is shutting down; send the command again");
        router.handle(new InboundMessage.Command("cmd-late", "start_session", Map.of()));
        assertThat(sent).containsExactly(new OutboundMessage.Ack("cmd-late"),
                new OutboundMessage.Failed("cmd-late", "the agent is shutting down; send the command again"));
    }

    @Test
    void theQueueReportsWhenItsWorkIsDone() throws Exception {
        SessionCommandQueue queue = new SessionCommandQueue(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor(), 2);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        queue.submit("s1", true, () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(queue.awaitIdle(java.time.Duration.ofMillis(50))).isFalse();
        release.countDown();
        assertThat(queue.awaitIdle(java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(queue.inFlight()).isZero();
    }
}
