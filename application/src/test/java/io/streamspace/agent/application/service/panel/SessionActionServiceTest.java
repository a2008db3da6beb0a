package io.streamspace.agent.application.service.panel;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.in.ActOnSession;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.CommandScheduler;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import io.streamspace.agent.domain.metrics.ActionCounts;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SessionActionServiceTest {

    private final List<InboundMessage.Command> scheduled = new ArrayList<>();
    private final List<OutboundMessage> sent = new ArrayList<>();
    private final AgentEventFeed feed = new AgentEventFeed(Clock.systemUTC());
    private final AtomicBoolean leading = new AtomicBoolean(true);
    private final CommandHandler hibernate = (command, messages) -> {
        messages.send(new OutboundMessage.SessionStatus(command.payload().get("sessionId").toString(), "hibernated",
                null, null, null, null));
        return Map.of("state", "hibernated");
    };
    private final CommandHandler stop = (command, messages) -> {
        throw new CommandFailedException("cannot stop " + command.payload().get("sessionId"));
    };
    private final CommandScheduler queue = (command, work) -> {
        scheduled.add(command);
        work.run();
    };
    private final ControlPlaneMessages messages = sent::add;
    private final SessionActionService actions = new SessionActionService(Map.of("hibernate_session", hibernate,
            "stop_session", stop), queue, messages, leading::get, feed);

    @Test
    void anActionRunsTheCommandsHandlerInTheSessionQueueAndReportsStatusButNoAnswer() throws Exception {
        ActOnSession.Outcome outcome = actions.act("alice-1", ActOnSession.Action.HIBERNATE, "write token");

        assertThat(outcome.done()).isTrue();
        assertThat(outcome.result()).containsEntry("state", "hibernated");
        assertThat(scheduled).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo("hibernate_session");
            assertThat(c.payload()).containsEntry("sessionId", "alice-1");
        });
        assertThat(sent).singleElement().isInstanceOf(OutboundMessage.SessionStatus.class);
        assertThat(feed.recent()).extracting(e -> e.details().get("status")).containsExactly("requested", "done");
        assertThat(actions.counts()).containsEntry("hibernate_session", new ActionCounts(1, 0));
    }

    @Test
    void failuresRefusalsAndBadIdsAreAnsweredAndCountedWithoutRunningAnything() throws Exception {
        assertThat(actions.act("alice-1", ActOnSession.Action.STOP, "w").message()).isEqualTo("cannot stop alice-1");
        assertThat(actions.act("../etc", ActOnSession.Action.HIBERNATE, "w").status()).isEqualTo("invalid");
        assertThat(actions.act("alice-1", ActOnSession.Action.WAKE, "w").status()).isEqualTo("refused");
        leading.set(false);
        ActOnSession.Outcome standby = actions.act("alice-1", ActOnSession.Action.HIBERNATE, "w");
        assertThat(standby.status()).isEqualTo("refused");
        assertThat(standby.message()).contains("standby");

        assertThat(scheduled).extracting(InboundMessage.Command::action).containsExactly("stop_session");
        assertThat(actions.counts()).containsEntry("stop_session", new ActionCounts(0, 1))
                .containsEntry("hibernate_session", new ActionCounts(0, 2))
                .containsEntry("wake_session", new ActionCounts(0, 1));
    }
}
