package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.adapter.websocket.StreamSpaceGateway;
import io.streamspace.agent.application.port.in.HandleControlPlaneCommand;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.CommandRouter;
import io.streamspace.agent.application.service.ControlPlaneLinkService;
import io.streamspace.agent.application.service.LinkSettings;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import io.streamspace.agent.adapter.host.FileOutbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command that finishes while the socket is down is reported, in order, on the next socket. */
class ResultsSurviveReconnectTest {

    private static final String KEY = "c".repeat(64);
    private static final String AGENT = "docker-e2e-outage";

    @TempDir
    Path outboxDir;

    @Test
    void resultProducedDuringAnOutageIsDeliveredAfterReconnect() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CommandHandler slow = (command, messages) -> {
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return Map.of("done", true);
        };
        try (ControlPlaneSimulator controlPlane = ControlPlaneSimulator.builder().port(0).agent(AGENT, KEY).start()) {
            StreamSpaceGateway gateway = LinkFixture.gateway(controlPlane, AGENT, KEY);
            LinkSettings settings = LinkFixture.settings(AGENT);
            AtomicReference<HandleControlPlaneCommand> router = new AtomicReference<>();
            FileOutbox outbox = FileOutbox.open(outboxDir);
            ControlPlaneLinkService link = new ControlPlaneLinkService(gateway, settings, router::get, () -> 0,
                    List.of(), Math::random, outbox);
            router.set(new CommandRouter(Map.of("slow_action", slow), link, Executors.newVirtualThreadPerTaskExecutor()));
            Thread serving = LinkFixture.serve(link);
            try {
                controlPlane.awaitConnected(AGENT, Duration.ofSeconds(10));
                String commandId = controlPlane.sendCommand(AGENT, "slow_action", Map.of());
                controlPlane.awaitCommandStatus(commandId, CommandState.Status.ACKED, Duration.ofSeconds(10));
                controlPlane.stop();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !link.isConnected());
                release.countDown();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> link.pendingCount() == 1);
                controlPlane.restart();
                ReceivedMessage complete = controlPlane.awaitMessage(AGENT,
                        m -> "complete".equals(m.type()) && commandId.equals(m.payloadText("commandId")),
                        Duration.ofSeconds(20));
                assertThat(complete.connectionNumber()).isEqualTo(2);
                assertThat(complete.payload().get("result").get("done").asBoolean()).isTrue();
                List<String> secondSocket = controlPlane.received(AGENT).stream()
                        .filter(m -> m.connectionNumber() == 2).map(ReceivedMessage::type).toList();
                assertThat(secondSocket).as(controlPlane.received(AGENT).toString()).startsWith("heartbeat", "complete");
                // the outbox drops a batch after its last send returns, which may be after the control plane read it
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> link.pendingCount() == 0);
            } finally {
                link.stop();
                serving.join(10_000);
                gateway.close();
                outbox.close();
            }
        }
    }
}
