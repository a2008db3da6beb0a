package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.adapter.host.FileCommandJournal;
import io.streamspace.agent.adapter.host.FileOutbox;
import io.streamspace.agent.adapter.websocket.StreamSpaceGateway;
import io.streamspace.agent.application.port.in.HandleControlPlaneCommand;
import io.streamspace.agent.application.port.out.CommandJournal;
import io.streamspace.agent.application.service.CommandRouter;
import io.streamspace.agent.application.service.ControlPlaneLinkService;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a connected link, a command's {@code complete} stays in the outbox until its journal entry has ended, even
 * while other messages are flushed, and then goes out first (ADR 0031): a kill in between leaves an answer the next
 * process sends, never one already delivered whose command it would answer again.
 */
class AnswerHeldUntilJournaledTest {

    private static final String KEY = "d".repeat(64);
    private static final String AGENT = "docker-e2e-held";

    @TempDir
    Path outboxDir;

    @Test
    void anAnswerIsNotSentBeforeItsCommandLeftTheJournalAndNothingOvertakesIt() throws Exception {
        CountDownLatch ending = new CountDownLatch(1);
        CountDownLatch endMayFinish = new CountDownLatch(1);
        try (ControlPlaneSimulator controlPlane = ControlPlaneSimulator.builder().port(0).agent(AGENT, KEY).start();
             FileOutbox outbox = FileOutbox.open(outboxDir)) {
            FileCommandJournal files = FileCommandJournal.open(outboxDir.resolve("commands"));
            CommandJournal journal = new CommandJournal() {
                @Override
                public void begin(Entry entry) {
                    files.begin(entry);
                }

                @Override
                public void end(String commandId) {
                    ending.countDown();
                    try {
                        assertThat(endMayFinish.await(30, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    files.end(commandId);
                }

                @Override
                public List<Entry> unfinishedAtStart() {
                    return files.unfinishedAtStart();
                }
            };
            StreamSpaceGateway gateway = LinkFixture.gateway(controlPlane, AGENT, KEY);
            AtomicReference<HandleControlPlaneCommand> router = new AtomicReference<>();
            ControlPlaneLinkService link = new ControlPlaneLinkService(gateway, LinkFixture.settings(AGENT),
                    router::get, () -> 0, List.of(), Math::random, outbox);
            router.set(CommandRouter.scheduledBy(Map.of("quick_action", (command, messages) -> Map.of("done", true)),
                    link, (command, work) -> Thread.ofVirtual().start(work), journal));
            Thread serving = LinkFixture.serve(link);
            try {
                controlPlane.awaitConnected(AGENT, Duration.ofSeconds(10));
                String commandId = controlPlane.sendCommand(AGENT, "quick_action", Map.of());
                assertThat(ending.await(10, TimeUnit.SECONDS)).as("the journal entry is ending").isTrue();

                assertThat(link.pendingCount()).as("the complete is stored, not sent").isEqualTo(1);
                link.send(new OutboundMessage.SessionStatus("s-1", "running", true, 5900, Map.of(), null));
                assertThat(link.pendingCount()).as("a flush of a later message sent neither").isEqualTo(2);
                assertThat(controlPlane.received(AGENT)).noneMatch(m -> m.isAccepted("complete"));

                endMayFinish.countDown();
                ReceivedMessage complete = controlPlane.awaitMessage(AGENT,
                        m -> m.isAccepted("complete") && commandId.equals(m.payloadText("commandId")),
                        Duration.ofSeconds(10));
                ReceivedMessage status = controlPlane.awaitMessage(AGENT, m -> m.isAccepted("status"),
                        Duration.ofSeconds(10));
                List<ReceivedMessage> received = controlPlane.received(AGENT);
                assertThat(received.indexOf(complete)).as("the held answer goes first: %s", received)
                        .isLessThan(received.indexOf(status));
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> link.pendingCount() == 0);
                assertThat(FileCommandJournal.open(outboxDir.resolve("commands")).unfinishedAtStart())
                        .as("nothing for a next process to answer").isEmpty();
            } finally {
                link.stop();
                serving.join(10_000);
                gateway.close();
            }
        }
    }
}
