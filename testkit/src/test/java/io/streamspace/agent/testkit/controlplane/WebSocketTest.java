package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.TestAgent.heartbeat;
import static io.streamspace.agent.testkit.controlplane.TestAgent.message;
import static io.streamspace.agent.testkit.controlplane.TestAgent.register;
import static io.streamspace.agent.testkit.controlplane.TestAgent.registrationBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebSocketTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration T = Duration.ofSeconds(5);
    private static final String AGENT = "docker-test-1";
    private final String key = TestAgent.newKey();
    private ControlPlaneSimulator sim;

    @BeforeEach
    void start() {
        sim = ControlPlaneSimulator.builder().agent(AGENT, key).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private TestAgent.Socket registerAndConnect() {
        assertThat(register(sim, key, registrationBody(AGENT)).statusCode()).isEqualTo(200);
        TestAgent.Socket s = TestAgent.connect(sim, AGENT, key);
        sim.awaitConnected(AGENT, T);
        return s;
    }

    @Test
    void connectBeforeRegistrationIs404() {
        TestAgent.HandshakeFailed e = catchThrowableOfType(TestAgent.HandshakeFailed.class,
                () -> TestAgent.connect(sim, AGENT, key));
        assertThat(e.status).isEqualTo(404);
        assertThat(sim.connectionCount(AGENT)).isZero();
    }

    @Test
    void connectWithWrongOrMalformedKeyIsRefused() {
        register(sim, key, registrationBody(AGENT));
        assertThat(catchThrowableOfType(TestAgent.HandshakeFailed.class,
                () -> TestAgent.connect(sim, AGENT, TestAgent.newKey())).status).isEqualTo(403);
        assertThat(catchThrowableOfType(TestAgent.HandshakeFailed.class,
                () -> TestAgent.connect(sim, AGENT, "short")).status).isEqualTo(401);
        assertThat(catchThrowableOfType(TestAgent.HandshakeFailed.class,
                () -> TestAgent.connect(sim, AGENT, null)).status).isEqualTo(401);
        assertThat(catchThrowableOfType(TestAgent.HandshakeFailed.class,
                () -> TestAgent.connect(sim, "docker;drop", key)).status).isEqualTo(400);
        assertThat(sim.isConnected(AGENT)).isFalse();
    }

    @Test
    void connectAfterRegistrationIsAccepted() {
        TestAgent.Socket s = registerAndConnect();
        assertThat(sim.isConnected(AGENT)).isTrue();
        assertThat(sim.connectionCount(AGENT)).isEqualTo(1);
        assertThat(s.isClosed()).isFalse();
    }

    @Test
    void newSocketReplacesOldOne() {
        TestAgent.Socket first = registerAndConnect();
        TestAgent.Socket second = TestAgent.connect(sim, AGENT, key);
        await().atMost(T).until(first::isClosed);
        assertThat(sim.connectionCount(AGENT)).isEqualTo(2);
        assertThat(sim.isConnected(AGENT)).isTrue();
        second.send(heartbeat());
        ReceivedMessage m = sim.awaitMessage(AGENT, r -> r.isAccepted("heartbeat"), T);
        assertThat(m.connectionNumber()).isEqualTo(2);
        assertThat(second.isClosed()).isFalse();
    }

    @Test
    void validHeartbeatIsAccepted() {
        TestAgent.Socket s = registerAndConnect();
        s.send(heartbeat());
        ReceivedMessage m = sim.awaitMessage(AGENT, r -> "heartbeat".equals(r.type()), T);
        assertThat(m.accepted()).isTrue();
        assertThat(m.dropReason()).isNull();
        assertThat(m.payload().path("capacity").path("maxSessions").asInt()).isEqualTo(10);
        assertThat(m.connectionNumber()).isEqualTo(1);
        assertThat(sim.agentStatus(AGENT)).isEqualTo(AgentStatus.ONLINE);
    }

    @Test
    void numericTimestampDropsTheWholeMessage() {
        TestAgent.Socket s = registerAndConnect();
        s.send("{\"type\":\"heartbeat\",\"timestamp\":1733334239,\"payload\":{\"status\":\"online\","
                + "\"activeSessions\":0,\"capacity\":{\"maxSessions\":10,\"cpu\":\"4\",\"memory\":\"8Gi\"}}}");
        ReceivedMessage m = sim.awaitMessage(AGENT, r -> true, T);
        assertThat(m.accepted()).isFalse();
        assertThat(m.type()).isEqualTo("heartbeat");
        assertThat(m.dropReason()).contains("timestamp").contains("number");
    }

    @Test
    void nonRfc3339TimestampStringIsDropped() {
        TestAgent.Socket s = registerAndConnect();
        s.send("{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04 17:43:59\",\"payload\":{}}");
        assertThat(sim.awaitMessage(AGENT, r -> true, T).dropReason()).contains("RFC3339");
    }

    @Test
    void heartbeatWithNumericCpuIsDropped() {
        TestAgent.Socket s = registerAndConnect();
        s.send(message("heartbeat", "{\"status\":\"online\",\"activeSessions\":0,"
                + "\"capacity\":{\"maxSessions\":10,\"cpu\":4,\"memory\":\"8Gi\"}}"));
        ReceivedMessage m = sim.awaitMessage(AGENT, r -> true, T);
        assertThat(m.accepted()).isFalse();
        assertThat(m.dropReason()).contains("capacity.cpu");
    }

    @Test
    void unknownTypeAndMissingPayloadAreDropped() {
        TestAgent.Socket s = registerAndConnect();
        s.send(message("hello", "{}"));
        s.send("{\"type\":\"ack\",\"timestamp\":\"2025-12-04T17:44:30Z\"}");
        List<ReceivedMessage> ms = sim.awaitMessages(AGENT, r -> true, 2, T);
        assertThat(ms).allSatisfy(m -> assertThat(m.accepted()).isFalse());
        assertThat(ms.get(0).dropReason()).contains("unknown message type");
        assertThat(ms.get(1).dropReason()).contains("payload");
    }

    @Test
    void batchedFrameFromAgentIsSplit() {
        TestAgent.Socket s = registerAndConnect();
        s.send(heartbeat() + "\n" + message("vnc_ready", "{\"sessionId\":\"s1\",\"vncPort\":3000,\"agentEpoch\":7}")
                + "\n");
        List<ReceivedMessage> ms = sim.awaitMessages(AGENT, r -> true, 2, T);
        assertThat(ms).extracting(ReceivedMessage::type).containsExactly("heartbeat", "vnc_ready");
        assertThat(ms).allSatisfy(m -> assertThat(m.accepted()).isTrue());
        assertThat(ms.get(0).agentEpoch()).isNull();
        assertThat(ms.get(1).agentEpoch()).isEqualTo(7L);
    }

    @Test
    void envelopeTimestampsHaveServerOffsetAndNanoseconds() throws Exception {
        TestAgent.Socket s = registerAndConnect();
        for (int i = 0; i < 20; i++) {
            sim.sendEnvelope(AGENT, "ping", Map.of());
        }
        await().atMost(T).until(() -> s.messages.size() == 20);
        for (String text : s.messages) {
            JsonNode env = JSON.readTree(text);
            assertThat(env.path("type").asText()).isEqualTo("ping");
            assertThat(env.path("payload").isObject()).isTrue();
            String ts = env.path("timestamp").asText();
            assertThat(OffsetDateTime.parse(ts).getOffset()).isEqualTo(ZoneOffset.ofHours(-7));
            assertThat(ts).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}-07:00");
        }
    }

    @Test
    void utcOffsetIsRenderedAsZ() {
        try (ControlPlaneSimulator utc = ControlPlaneSimulator.builder().serverOffset(ZoneOffset.UTC).start()) {
            assertThat(utc.timestamp(java.time.Instant.parse("2025-12-04T17:43:59.123456789Z")))
                    .isEqualTo("2025-12-04T17:43:59.123456789Z");
        }
    }

    @Test
    void sendBatchArrivesAsOneFrameWithNewlines() {
        TestAgent.Socket s = registerAndConnect();
        String a = sim.envelope("ping", JSON.createObjectNode());
        String b = sim.envelope("vnc_close", JSON.createObjectNode().put("sessionId", "s1"));
        sim.sendBatch(AGENT, List.of(a, b));
        await().atMost(T).until(() -> s.messages.size() == 1);
        assertThat(s.messages.get(0)).isEqualTo(a + "\n" + b);
        assertThat(s.messages.get(0).split("\n")).hasSize(2);
        assertThat(sim.sent(AGENT)).containsExactly(a + "\n" + b);
    }

    @Test
    void sendFragmentedArrivesInSeveralParts() {
        TestAgent.Socket s = registerAndConnect();
        String text = sim.envelope("ping", JSON.createObjectNode().put("pad", "x".repeat(200)));
        sim.sendFragmented(AGENT, text, 3);
        await().atMost(T).until(() -> s.messages.size() == 1);
        assertThat(s.messages.get(0)).isEqualTo(text);
        assertThat(s.partsPerMessage.get(0)).isGreaterThanOrEqualTo(3);
    }

    @Test
    void dropConnectionClosesTheSocket() {
        TestAgent.Socket s = registerAndConnect();
        sim.dropConnection(AGENT);
        await().atMost(T).until(s::isClosed);
        sim.awaitDisconnected(AGENT, T);
        assertThat(sim.agentStatus(AGENT)).isEqualTo(AgentStatus.OFFLINE);
        assertThatThrownBy(() -> sim.sendRaw(AGENT, "{}")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void commandLifecycleFollowsAckAndComplete() throws Exception {
        TestAgent.Socket s = registerAndConnect();
        String id = sim.sendCommand(AGENT, "start_session", Map.of("sessionId", "alice-firefox-1a2b3c4d"));
        assertThat(id).matches("cmd-[0-9a-f]{8}");
        assertThat(sim.commandState(id).status()).isEqualTo(CommandState.Status.PENDING);
        await().atMost(T).until(() -> s.messages.size() == 1);
        JsonNode cmd = JSON.readTree(s.messages.get(0));
        assertThat(cmd.path("type").asText()).isEqualTo("command");
        assertThat(cmd.path("payload").path("commandId").asText()).isEqualTo(id);
        assertThat(cmd.path("payload").path("action").asText()).isEqualTo("start_session");
        assertThat(cmd.path("payload").path("payload").path("sessionId").asText()).isEqualTo("alice-firefox-1a2b3c4d");

        s.send(message("ack", "{\"commandId\":\"" + id + "\"}"));
        sim.awaitCommandStatus(id, CommandState.Status.ACKED, T);
        s.send(message("status", "{\"sessionId\":\"alice-firefox-1a2b3c4d\",\"state\":\"running\",\"vncReady\":true,"
                + "\"vncPort\":3000,\"platformMetadata\":{\"podName\":\"c1\"}}"));
        s.send(message("complete", "{\"commandId\":\"" + id + "\",\"result\":{\"state\":\"running\"}}"));
        CommandState done = sim.awaitCommandStatus(id, CommandState.Status.COMPLETED, T);
        assertThat(done.history()).containsExactly(CommandState.Status.PENDING, CommandState.Status.ACKED,
                CommandState.Status.COMPLETED);
        assertThat(done.result().path("state").asText()).isEqualTo("running");
        SessionState session = sim.sessionState("alice-firefox-1a2b3c4d");
        assertThat(session.state()).isEqualTo("running");
        assertThat(session.lastPayload().path("vncPort").asInt()).isEqualTo(3000);
    }

    @Test
    void failedCommandStoresErrorAndExplicitIdIsUsed() {
        TestAgent.Socket s = registerAndConnect();
        String id = sim.sendCommand(AGENT, "cmd-explicit-1", "wake_session", Map.of("sessionId", "x"));
        assertThat(id).isEqualTo("cmd-explicit-1");
        s.send(message("ack", "{\"commandId\":\"cmd-explicit-1\"}"));
        s.send(message("failed", "{\"commandId\":\"cmd-explicit-1\",\"error\":\"no such session\"}"));
        CommandState st = sim.awaitCommandStatus(id, CommandState.Status.FAILED, T);
        assertThat(st.error()).isEqualTo("no such session");
    }

    @Test
    void statusWithWrongTypeDoesNotChangeSession() {
        TestAgent.Socket s = registerAndConnect();
        s.send(message("status", "{\"sessionId\":\"s1\",\"state\":\"running\",\"vncPort\":\"3000\"}"));
        ReceivedMessage m = sim.awaitMessage(AGENT, r -> true, T);
        assertThat(m.accepted()).isFalse();
        assertThat(sim.sessionState("s1")).isNull();
    }

    @Test
    void commandToDisconnectedAgentFailsImmediately() {
        String id = sim.sendCommand(AGENT, "stop_session", Map.of("sessionId", "x"));
        CommandState st = sim.commandState(id);
        assertThat(st.status()).isEqualTo(CommandState.Status.FAILED);
        assertThat(st.error()).isEqualTo("agent not connected");
    }

    @Test
    void awaitMessageTimeoutDumpsWhatArrived() {
        TestAgent.Socket s = registerAndConnect();
        s.send("{\"type\":\"heartbeat\",\"timestamp\":1,\"payload\":{}}");
        sim.awaitMessage(AGENT, r -> true, T);
        assertThatThrownBy(() -> sim.awaitMessage(AGENT, r -> r.isAccepted("heartbeat"), Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("DROPPED")
                .hasMessageContaining("\"timestamp\":1");
    }
}
