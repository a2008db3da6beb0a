package io.streamspace.agent.application.service.panel;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.in.FollowAgentEvents.AgentEvent;
import io.streamspace.agent.application.port.in.HandleControlPlaneCommand;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.application.service.RecordingMessages;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PanelEventsTest {

    private final AgentEventFeed feed = new AgentEventFeed(Clock.systemUTC());
    private final SessionHistory history = new SessionHistory();
    private final PanelEvents events = new PanelEvents(feed, history, Clock.systemUTC());
    private final List<InboundMessage.Command> handled = new ArrayList<>();
    private final List<OutboundMessage> sent = new ArrayList<>();
    private final HandleControlPlaneCommand commands = events.commands(handled::add);
    private final ControlPlaneMessages messages = events.messages(sent::add);

    @Test
    void commandsAndTheirAnswersAndSessionStatesBecomeEventsAndEverythingIsPassedOn() {
        InboundMessage.Command start = new InboundMessage.Command("c-1", "start_session", Map.of("sessionId", "s-1"));
        commands.handle(start);
        messages.send(new OutboundMessage.Ack("c-1"));
        messages.send(new OutboundMessage.SessionStatus("s-1", "running", true, 5900, Map.of(), null));
        messages.send(new OutboundMessage.SessionStatus("s-1", "running", true, 5900, Map.of(), null));
        messages.send(new OutboundMessage.Complete("c-1", Map.of()));
        commands.handle(new InboundMessage.Command("c-2", "launch_rocket", Map.of()));
        messages.send(new OutboundMessage.Failed("c-2", "unknown action"));

        assertThat(handled).hasSize(2);
        assertThat(sent).hasSize(5);
        List<AgentEvent> published = feed.recent();
        assertThat(published).extracting(AgentEvent::type).containsExactly("command_received", "session_state",
                "command_answered", "command_received", "command_answered");
        assertThat(published.get(1).summary()).isEqualTo("session s-1 is running");
        assertThat(published.get(2).details()).containsEntry("action", "start_session")
                .containsEntry("session_id", "s-1").containsEntry("outcome", "success");
        assertThat(published.get(4).details()).containsEntry("outcome", "failure")
                .containsEntry("error", "unknown action");
        assertThat(history.of("s-1")).extracting(c -> c.state()).containsExactly("running");
    }

    @Test
    void aTerminalAnswerIsPassedOnWholeSoTheLinkCanHoldItUntilItsJournalEntryEnds() {
        List<String> calls = new ArrayList<>();
        ControlPlaneMessages answering = events.messages(new RecordingMessages(calls));
        commands.handle(new InboundMessage.Command("c-1", "start_session", Map.of("sessionId", "s-1")));
        answering.answer(new OutboundMessage.Complete("c-1", Map.of()), () -> calls.add("journal end"));

        assertThat(calls).containsExactly("store complete", "journal end", "release complete");
        assertThat(feed.recent()).extracting(AgentEvent::type).containsExactly("command_received",
                "command_answered");
    }

    @Test
    void aBatchOfCommandsIsPassedOnWholeSoTheRoutersGroupCommitIsKept() {
        List<List<InboundMessage.Command>> batches = new ArrayList<>();
        HandleControlPlaneCommand batching = events.commands(new HandleControlPlaneCommand() {
            @Override
            public void handle(InboundMessage.Command command) {
                batches.add(List.of(command));
            }

            @Override
            public void handleAll(List<InboundMessage.Command> commands) {
                batches.add(List.copyOf(commands));
            }
        });
        List<InboundMessage.Command> batch = List.of(
                new InboundMessage.Command("c-4", "start_session", Map.of("sessionId", "s-3")),
                new InboundMessage.Command("c-5", "stop_session", Map.of("sessionId", "s-4")));

        batching.handleAll(batch);

        assertThat(batches).containsExactly(batch);
        assertThat(feed.recent()).extracting(AgentEvent::type).containsExactly("command_received",
                "command_received");
    }

    @Test
    void aCommandsWorkStartingIsAnEventPublishedJustBeforeTheWork() {
        List<String> order = new ArrayList<>();
        InboundMessage.Command wake = new InboundMessage.Command("c-3", "wake_session", Map.of("sessionId", "s-2"));
        events.scheduler((command, work) -> {
            order.add("scheduled " + command.commandId());
            work.run();
        }).schedule(wake, () -> order.add("work, after " + feed.recent().getLast().type()));

        assertThat(order).containsExactly("scheduled c-3", "work, after command_started");
        assertThat(feed.recent().getLast().summary()).isEqualTo("started wake_session for s-2");
    }
}
