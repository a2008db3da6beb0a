package io.streamspace.agent.application.service.session;

import static io.streamspace.agent.application.service.session.SessionFixture.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.out.CommandJournal;
import io.streamspace.agent.application.service.RecordingJournal;
import io.streamspace.agent.application.service.RecordingMessages;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The first reconciliation of a process answers the commands a killed predecessor acknowledged and never answered. */
class UnfinishedCommandsTest {

    private final SessionFixture f = new SessionFixture();
    private final List<String> ended = new ArrayList<>();

    private SessionReconciler reconciler(CommandJournal.Entry... left) {
        CommandJournal journal = new CommandJournal() {
            @Override
            public void begin(Entry entry) {
            }

            @Override
            public void end(String commandId) {
                ended.add(commandId);
            }

            @Override
            public List<Entry> unfinishedAtStart() {
                return List.of(left);
            }
        };
        return new SessionReconciler(f.runtime, f.settings, f.registry, f.messages, f.clock, Runnable::run, journal);
    }

    private static Map<String, String> labels(String sessionId) {
        Map<String, String> labels = new HashMap<>(OWNER);
        labels.put(SessionLabels.SESSION_ID, sessionId);
        return labels;
    }

    private String answer(String commandId) {
        return f.sent.stream().map(m -> switch (m) {
            case OutboundMessage.Complete c when c.commandId().equals(commandId) -> "complete";
            case OutboundMessage.Failed x when x.commandId().equals(commandId) -> "failed: " + x.error();
            default -> null;
        }).filter(a -> a != null).reduce((a, b) -> a + " | " + b).orElse("none");
    }

    @Test
    void eachUnfinishedCommandIsAnsweredOnceFromWhatTheRuntimeShows() {
        f.runtime.put("streamspace-up", "img", labels("up"), "running");
        f.runtime.put("streamspace-half", "img", labels("half"), "created");
        f.runtime.put("streamspace-dead", "img", labels("dead"), "exited");
        f.runtime.put("streamspace-kept", "img", labels("kept"), "running");
        SessionReconciler reconciler = reconciler(
                new CommandJournal.Entry("c-up", StartSessionHandler.ACTION, "up"),
                new CommandJournal.Entry("c-none", StartSessionHandler.ACTION, "none"),
                new CommandJournal.Entry("c-half", StartSessionHandler.ACTION, "half"),
                new CommandJournal.Entry("c-dead", StartSessionHandler.ACTION, "dead"),
                new CommandJournal.Entry("c-gone", StopSessionHandler.ACTION, "gone"),
                new CommandJournal.Entry("c-kept", StopSessionHandler.ACTION, "kept"),
                new CommandJournal.Entry("c-x", "no_session", null));

        reconciler.reconcileNow();

        assertThat(answer("c-up")).isEqualTo("complete");
        assertThat(f.states("up")).containsExactly("running");
        assertThat(answer("c-none")).startsWith("failed: the agent restarted while start_session was in progress");
        assertThat(f.states("none")).containsExactly("failed");
        assertThat(answer("c-half")).startsWith("failed:");
        assertThat(f.states("half")).containsExactly("failed");
        assertThat(answer("c-dead")).startsWith("failed:");
        assertThat(f.states("dead")).containsExactly("hibernated", "failed");
        assertThat(f.runtime.containers).doesNotContainKeys("streamspace-half", "streamspace-dead");
        assertThat(answer("c-gone")).isEqualTo("complete");
        assertThat(f.states("gone")).containsExactly("terminated");
        assertThat(answer("c-kept")).contains("still exists (running), stop it again");
        assertThat(f.runtime.containers).containsKeys("streamspace-up", "streamspace-kept");
        assertThat(answer("c-x")).startsWith("failed:");
        assertThat(ended).containsExactly("c-up", "c-none", "c-half", "c-dead", "c-gone", "c-kept", "c-x");

        // Only the first pass answers them.
        f.sent.clear();
        reconciler.reconcileNow();
        assertThat(f.sent).noneMatch(m -> m instanceof OutboundMessage.Complete || m instanceof OutboundMessage.Failed);
        assertThat(ended).hasSize(7);
    }

    @Test
    void aSessionWithANewerCommandRunningIsLeftToIt() {
        f.registry.begin("busy", StartSessionHandler.ACTION);
        reconciler(new CommandJournal.Entry("c-old", StartSessionHandler.ACTION, "busy")).reconcileNow();
        assertThat(answer("c-old")).contains("a newer command for session busy is running");
        assertThat(f.states("busy")).isEmpty();
    }

    @Test
    void eachAnswerLeavesTheJournalWhileItIsStoredAndBeforeItIsReleasedSoASecondRestartDoesNotAnswerItAgain() {
        List<String> events = new ArrayList<>();
        CommandJournal journal = new RecordingJournal(events,
                new CommandJournal.Entry("c-x", "no_session", null));
        new SessionReconciler(f.runtime, f.settings, f.registry,
                new RecordingMessages(events), f.clock, Runnable::run, journal)
                .reconcileNow();
        assertThat(events).containsSubsequence("store failed", "end c-x", "release failed");
        assertThat(events).filteredOn(e -> e.startsWith("send ")).doesNotContain("send failed", "send complete");
    }
}
