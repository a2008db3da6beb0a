package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.TestAgent.heartbeat;
import static io.streamspace.agent.testkit.controlplane.TestAgent.register;
import static io.streamspace.agent.testkit.controlplane.TestAgent.registrationBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LivenessAndLifecycleTest {

    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void silentAgentGoesOfflineWhileHeartbeatingAgentStaysOnline() {
        String quietKey = TestAgent.newKey();
        String busyKey = TestAgent.newKey();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try (ControlPlaneSimulator sim = ControlPlaneSimulator.builder()
                .agent("quiet-agent", quietKey)
                .agent("busy-agent", busyKey)
                .livenessTimeout(Duration.ofSeconds(2))
                .livenessCheckInterval(Duration.ofMillis(200))
                .start()) {
            register(sim, quietKey, registrationBody("quiet-agent"));
            register(sim, busyKey, registrationBody("busy-agent"));
            TestAgent.Socket quiet = TestAgent.connect(sim, "quiet-agent", quietKey);
            TestAgent.Socket busy = TestAgent.connect(sim, "busy-agent", busyKey);
            quiet.send(heartbeat());
            ticker.scheduleAtFixedRate(() -> {
                busy.send(heartbeat());
                busy.ping();
                if (!quiet.isClosed()) {
                    quiet.ping(); // control frames must not count as heartbeats
                }
            }, 0, 500, TimeUnit.MILLISECONDS);

            sim.awaitAgentStatus("quiet-agent", AgentStatus.OFFLINE, Duration.ofSeconds(6));
            await().atMost(T).until(quiet::isClosed);
            assertThat(sim.isConnected("quiet-agent")).isFalse();

            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                    sim.agentStatus("busy-agent") == AgentStatus.ONLINE && sim.isConnected("busy-agent"));
            assertThat(busy.isClosed()).isFalse();
            assertThat(sim.received("busy-agent")).hasSizeGreaterThanOrEqualTo(6)
                    .allSatisfy(m -> assertThat(m.accepted()).isTrue());
        } finally {
            ticker.shutdownNow();
        }
    }

    @Test
    void droppedHeartbeatsDoNotKeepAnAgentAlive() {
        String key = TestAgent.newKey();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try (ControlPlaneSimulator sim = ControlPlaneSimulator.builder()
                .agent("bad-clock", key)
                .livenessTimeout(Duration.ofSeconds(1))
                .livenessCheckInterval(Duration.ofMillis(100))
                .start()) {
            register(sim, key, registrationBody("bad-clock"));
            TestAgent.Socket s = TestAgent.connect(sim, "bad-clock", key);
            ticker.scheduleAtFixedRate(() -> s.send("{\"type\":\"heartbeat\",\"timestamp\":"
                    + System.currentTimeMillis() + ",\"payload\":{\"status\":\"online\"}}"),
                    0, 200, TimeUnit.MILLISECONDS);
            sim.awaitAgentStatus("bad-clock", AgentStatus.OFFLINE, T);
            await().atMost(T).until(s::isClosed);
            assertThat(sim.received("bad-clock")).isNotEmpty().noneMatch(ReceivedMessage::accepted);
        } finally {
            ticker.shutdownNow();
        }
    }

    @Test
    void restartKeepsPortAndAgentsButRequiresRegistrationAgain() {
        String key = TestAgent.newKey();
        try (ControlPlaneSimulator sim = ControlPlaneSimulator.builder().agent("docker-test-1", key).start()) {
            int port = sim.port();
            assertThat(port).isPositive();
            assertThat(sim.webSocketBaseUrl().toString()).isEqualTo("ws://127.0.0.1:" + port);
            assertThat(sim.httpBaseUrl().toString()).isEqualTo("http://127.0.0.1:" + port);
            String id1 = TestAgent.register(sim, key, registrationBody("docker-test-1")).body();
            TestAgent.Socket s = TestAgent.connect(sim, "docker-test-1", key);
            sim.awaitConnected("docker-test-1", T);

            sim.restart();

            assertThat(sim.port()).isEqualTo(port);
            await().atMost(T).until(s::isClosed);
            assertThat(sim.isConnected("docker-test-1")).isFalse();
            assertThat(sim.agentStatus("docker-test-1")).isEqualTo(AgentStatus.OFFLINE);
            assertThat(catchThrowableOfType(TestAgent.HandshakeFailed.class,
                    () -> TestAgent.connect(sim, "docker-test-1", key)).status).isEqualTo(404);
            String id2 = TestAgent.register(sim, key, registrationBody("docker-test-1")).body();
            assertThat(id2.substring(0, 50)).isEqualTo(id1.substring(0, 50)); // same "id" (UUID) prefix
            TestAgent.Socket again = TestAgent.connect(sim, "docker-test-1", key);
            again.send(heartbeat());
            assertThat(sim.awaitMessage("docker-test-1", m -> m.isAccepted("heartbeat"), T).connectionNumber())
                    .isEqualTo(2);
        }
    }

    @Test
    void stopClosesTheListener() {
        String key = TestAgent.newKey();
        ControlPlaneSimulator sim = ControlPlaneSimulator.builder().agent("docker-test-1", key).start();
        HttpRequest req = HttpRequest.newBuilder(sim.httpBaseUrl().resolve("/dev/agents")).timeout(T).build();
        assertThat(TestAgent.send(req).statusCode()).isEqualTo(200);
        sim.stop();
        assertThat(catchThrowableOfType(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", sim.port()), 2000);
            }
        })).isNotNull();
    }

    @Test
    void pongsAnsweringServerPingsKeepTheReadDeadlineFresh() {
        String key = TestAgent.newKey();
        try (ControlPlaneSimulator sim = ControlPlaneSimulator.builder()
                .agent("pinged", key)
                .pingInterval(Duration.ofMillis(200))
                .readDeadline(Duration.ofSeconds(1))
                .livenessCheckInterval(Duration.ofMillis(100))
                .start()) {
            register(sim, key, registrationBody("pinged"));
            TestAgent.Socket s = TestAgent.connect(sim, "pinged", key);
            // The JDK client answers pings automatically; without pongs the 1 s read deadline would drop it.
            await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                    .until(() -> sim.isConnected("pinged") && !s.isClosed());
            assertThat(sim.connectionCount("pinged")).isEqualTo(1);
        }
    }

    @Test
    void withoutPongsTheReadDeadlineDropsTheSocketEvenWithHeartbeats() {
        String key = TestAgent.newKey();
        try (ControlPlaneSimulator sim = ControlPlaneSimulator.builder()
                .agent("unpinged", key)
                .pingInterval(Duration.ZERO) // no server pings, hence no pongs
                .readDeadline(Duration.ofSeconds(1))
                .livenessCheckInterval(Duration.ofMillis(100))
                .start()) {
            register(sim, key, registrationBody("unpinged"));
            TestAgent.Socket s = TestAgent.connect(sim, "unpinged", key);
            s.send(heartbeat());
            sim.awaitMessage("unpinged", m -> m.isAccepted("heartbeat"), T);
            sim.awaitDisconnected("unpinged", T);
            assertThat(sim.received("unpinged")).hasSize(1);
        }
    }
}
