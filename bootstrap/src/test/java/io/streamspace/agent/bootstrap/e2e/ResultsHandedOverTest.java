package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import io.streamspace.agent.adapter.websocket.StreamSpaceGateway;
import io.streamspace.agent.application.service.ControlPlaneLinkService;
import io.streamspace.agent.application.service.LinkSettings;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.adapter.host.FileOutbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.streamspace.agent.adapter.host.FileAnswerHandover;
import io.streamspace.agent.domain.controlplane.OutboundMessage;

/**
 * ADR 0015 on the link: results that a replica holds while its link does not serve are handed over through the
 * lock's store, and the serving link of another replica takes them and sends them on its socket, once.
 */
class ResultsHandedOverTest {

    private static final String KEY = "d".repeat(64);
    private static final String AGENT = "docker-e2e-handover";

    @TempDir
    Path dir;

    @Test
    void resultsHeldByALinkThatDoesNotServeAreSentOnceByTheServingOne() throws Exception {
        try (ControlPlaneSimulator controlPlane = ControlPlaneSimulator.builder().port(0).agent(AGENT, KEY).start()) {
            StreamSpaceGateway gateway = LinkFixture.gateway(controlPlane, AGENT, KEY);
            LinkSettings settings = LinkFixture.settings(AGENT);
            FileAnswerHandover store = FileAnswerHandover.beside(dir.resolve("agent.lock"));
            FileOutbox fencedOutbox = FileOutbox.open(dir.resolve("outbox-fenced"));
            FileOutbox leaderOutbox = FileOutbox.open(dir.resolve("outbox-leader"));
            ControlPlaneLinkService fenced = new ControlPlaneLinkService(gateway, settings, () -> null, () -> 0,
                    List.of(), Math::random, fencedOutbox);
            ControlPlaneLinkService leader = new ControlPlaneLinkService(gateway, settings, () -> null, () -> 0,
                    List.of(), Math::random, leaderOutbox);
            Thread serving = LinkFixture.serve(leader);
            try {
                controlPlane.awaitConnected(AGENT, Duration.ofSeconds(20));
                // the simulator sees the socket before the link has taken it as its current one
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(leader::isConnected);
                // what a fenced leader's in-flight start produces after its link stopped
                fenced.send(new OutboundMessage.SessionStatus("alice-x-1", "running", true, 5900, Map.of(), null));
                fenced.send(new OutboundMessage.Complete("cmd-late", Map.of("sessionId", "alice-x-1")));
                assertThat(fenced.pendingCount()).isEqualTo(2);
                leaderOutbox.append(new OutboundMessage.Failed("cmd-own", "queued"));
                assertThat(leader.handOverPending(store)).as("a serving link hands nothing over").isZero();

                assertThat(fenced.handOverPending(store)).isEqualTo(2);
                assertThat(fenced.pendingCount()).isZero();
                assertThat(fenced.handOverPending(store)).isZero();
                assertThat(leader.takeHandedOver(store)).isEqualTo(2);
                assertThat(leader.takeHandedOver(store)).isZero();

                controlPlane.awaitMessage(AGENT, m -> m.isAccepted("complete")
                        && "cmd-late".equals(m.payloadText("commandId")), Duration.ofSeconds(20));
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> leader.pendingCount() == 0);
                List<String> sent = controlPlane.received(AGENT).stream().filter(m -> !m.isAccepted("heartbeat"))
                        .map(m -> m.type() + ":" + (m.payloadText("commandId") == null ? m.payloadText("sessionId")
                                : m.payloadText("commandId"))).toList();
                assertThat(sent).as("the leader's own result first, then the handed-over ones, each once")
                        .containsExactly("failed:cmd-own", "status:alice-x-1", "complete:cmd-late");
            } finally {
                leader.stop();
                serving.join(10_000);
                gateway.close();
                fencedOutbox.close();
                leaderOutbox.close();
            }
        }
    }
}
