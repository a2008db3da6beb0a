package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.adapter.host.FileOutbox;
import io.streamspace.agent.adapter.websocket.StreamSpaceGateway;
import io.streamspace.agent.application.port.out.ConnectFailedException;
import io.streamspace.agent.application.port.out.ControlPlaneConnection;
import io.streamspace.agent.application.port.out.ControlPlaneGateway;
import io.streamspace.agent.application.port.out.RegistrationOutcome;
import io.streamspace.agent.application.port.out.RegistrationRequest;
import io.streamspace.agent.application.service.ActiveSessions;
import io.streamspace.agent.application.service.ControlPlaneLinkService;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first heartbeat's count of running sessions is read while the agent registers and connects (at start-up the
 * engine's first call, ADR 0023), and the heartbeat carries that count.
 */
class FirstHeartbeatCountTest {

    private static final String KEY = "f".repeat(64);
    private static final String AGENT = "docker-e2e-first-count";

    @TempDir
    Path outboxDir;

    @Test
    void theCountIsReadWhileRegisteringAndTheFirstHeartbeatCarriesIt() throws Exception {
        CountDownLatch counting = new CountDownLatch(1);
        AtomicInteger counts = new AtomicInteger();
        ActiveSessions sessions = () -> {
            counting.countDown();
            return counts.incrementAndGet() == 1 ? 3 : 4;
        };
        AtomicBoolean countedBeforeRegistering = new AtomicBoolean();
        try (ControlPlaneSimulator controlPlane = ControlPlaneSimulator.builder().port(0).agent(AGENT, KEY).start();
             FileOutbox outbox = FileOutbox.open(outboxDir)) {
            StreamSpaceGateway real = LinkFixture.gateway(controlPlane, AGENT, KEY);
            // registration waits (at most 10 s) for the count to begin: a count read after connecting never would
            ControlPlaneGateway gateway = new ControlPlaneGateway() {
                @Override
                public RegistrationOutcome register(RegistrationRequest request) throws InterruptedException {
                    countedBeforeRegistering.compareAndSet(false, counting.await(10, TimeUnit.SECONDS));
                    return real.register(request);
                }

                @Override
                public ControlPlaneConnection connect(ControlPlaneConnection.Listener listener)
                        throws ConnectFailedException, InterruptedException {
                    return real.connect(listener);
                }

                @Override
                public String describe() {
                    return real.describe();
                }
            };
            ControlPlaneLinkService link = new ControlPlaneLinkService(gateway, LinkFixture.settings(AGENT), () -> null,
                    sessions, List.of(), Math::random, outbox);
            Thread serving = LinkFixture.serve(link);
            try {
                ReceivedMessage first = controlPlane.awaitMessage(AGENT, m -> m.isAccepted("heartbeat"),
                        Duration.ofSeconds(20));
                assertThat(countedBeforeRegistering).as("the count began before the registration finished").isTrue();
                assertThat(first.payload().get("activeSessions").asInt()).isEqualTo(3);
                // the next heartbeats count again (one-second interval here)
                ReceivedMessage next = controlPlane.awaitMessage(AGENT, m -> m.isAccepted("heartbeat")
                        && m.receivedAt().isAfter(first.receivedAt()), Duration.ofSeconds(20));
                assertThat(next.payload().get("activeSessions").asInt()).isEqualTo(4);
            } finally {
                link.stop();
                serving.join(10_000);
                real.close();
            }
        }
    }
}
