package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A graceful stop (SIGTERM) lets the commands in flight finish and answers new ones with a refusal. */
class SessionShutdownE2ETest extends SessionE2E {

    @Test
    void stopFinishesAStartInFlightBeforeClosingTheLink() throws Exception {
        startAgent(Map.of());
        String sessionId = sessionId("shut", "echo");
        String start = controlPlane.sendCommand(agentId, "start_session", startPayload(sessionId));
        controlPlane.awaitCommandStatus(start, CommandState.Status.ACKED, WAIT);
        agent.close(); // what the SIGTERM hook calls
        agent = null;
        CommandState state = controlPlane.commandState(start);
        assertThat(state.status()).as("answered before the link closed").isEqualTo(CommandState.Status.COMPLETED);
        List<ReceivedMessage> all = controlPlane.received(agentId);
        assertThat(all).filteredOn(m -> "status".equals(m.type()) && sessionId.equals(m.payloadText("sessionId")))
                .extracting(m -> m.payloadText("state")).contains("running");
        assertThat(all).allSatisfy(m -> assertThat(m.connectionNumber()).isEqualTo(1));
    }
}
