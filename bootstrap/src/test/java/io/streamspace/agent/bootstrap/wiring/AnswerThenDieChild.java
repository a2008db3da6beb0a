package io.streamspace.agent.bootstrap.wiring;

import io.streamspace.agent.adapter.host.FileOutbox;
import io.streamspace.agent.application.port.out.CommandJournal;
import io.streamspace.agent.application.service.ControlPlaneLinkService;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Run in a child JVM by {@link AnsweredBeforeKillTest}: the agent's outbox and command journal in {@code args[0]},
 * commands {@code c-answered} and {@code c-open} journaled, then the link answers {@code c-answered} and, while the
 * answer's journal entry would end, prints {@code stored} and waits to be killed (the window between an answer
 * stored and its command leaving the journal).
 */
public final class AnswerThenDieChild {

    private AnswerThenDieChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        FileOutbox outbox = FileOutbox.open(Path.of(args[0]));
        CommandJournal journal = ControlPlaneModule.commandJournal(outbox);
        journal.beginAll(List.of(new CommandJournal.Entry("c-answered", "start_session", "s-answered"),
                new CommandJournal.Entry("c-open", "start_session", "s-open")));
        // the link only needs its outbox to answer; it is never served here
        ControlPlaneLinkService link = new ControlPlaneLinkService(null, null, null, null, List.of(), null, outbox);
        link.answer(new OutboundMessage.Complete("c-answered", Map.of("sessionId", "s-answered")), () -> {
            System.out.println("stored");
            System.out.flush();
            try {
                new CountDownLatch(1).await(); // until killed, before the entry ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        System.out.println("not killed");
    }
}
