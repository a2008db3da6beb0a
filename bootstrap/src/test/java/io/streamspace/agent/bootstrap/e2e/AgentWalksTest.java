package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import io.streamspace.agent.testkit.controlplane.RecordedRegistration;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent against the strict control-plane simulator: registration, heartbeats, framing and reconnects. */
class AgentWalksTest {

    private static final String KEY = "a".repeat(32) + "0123456789abcdef0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String AGENT = "docker-e2e-1";

    private ControlPlaneSimulator controlPlane;
    private RunningAgent agent;

    @BeforeEach
    void startControlPlane() {
        controlPlane = ControlPlaneSimulator.builder().port(0).agent(AGENT, KEY)
                .pingInterval(Duration.ofMillis(300)).readDeadline(Duration.ofSeconds(2)).start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (agent != null) {
            agent.close();
        }
        controlPlane.stop();
    }

    private RunningAgent startAgent() throws Exception {
        agent = RunningAgent.start(AGENT, controlPlane.webSocketBaseUrl().toString(), KEY,
                Map.of(Setting.REGION, "eu-test-1", Setting.MAX_SESSIONS, "7", Setting.MAX_CPU, "16",
                        Setting.MAX_MEMORY, "64"));
        return agent;
    }

    private static boolean heartbeat(ReceivedMessage m) {
        return "heartbeat".equals(m.type());
    }

    @Test
    void registersThenConnectsAndHeartbeatsAtOnceWithTheExactJsonTypes() throws Exception {
        startAgent();
        String registered = agent.awaitLog("DockerAgent", l -> l.startsWith("Registered successfully"), WAIT);
        assertThat(registered).matches("Registered successfully \\(ID: [0-9a-f-]{36}, Status: online\\)");

        RecordedRegistration registration = controlPlane.registrations().get(0);
        assertThat(registration.statusCode()).isEqualTo(200);
        List<ReceivedMessage> beats = controlPlane.awaitMessages(AGENT, AgentWalksTest::heartbeat, 3, WAIT);
        List<ReceivedMessage> all = controlPlane.received(AGENT);
        assertThat(all.get(0).type()).as("first message on the socket").isEqualTo("heartbeat");
        for (ReceivedMessage beat : beats) {
            assertThat(beat.accepted()).as(beat.dropReason()).isTrue();
            JsonNode envelope = new com.fasterxml.jackson.databind.ObjectMapper().readTree(beat.raw());
            assertThat(envelope.get("timestamp").isTextual()).isTrue();
            OffsetDateTime.parse(envelope.get("timestamp").asText());
            JsonNode payload = beat.payload();
            assertThat(payload.get("status").asText()).isEqualTo("online");
            assertThat(payload.get("activeSessions").isInt()).isTrue();
            assertThat(payload.get("capacity").get("maxSessions").isInt()).isTrue();
            assertThat(payload.get("capacity").get("maxSessions").asInt()).isEqualTo(7);
            assertThat(payload.get("capacity").get("cpu").asText()).isEqualTo("16 cores");
            assertThat(payload.get("capacity").get("memory").asText()).isEqualTo("64Gi");
        }
        // the interval is honoured: three beats at 1 s take at least about two intervals
        Duration span = Duration.between(beats.get(0).receivedAt(), beats.get(2).receivedAt());
        assertThat(span).isGreaterThan(Duration.ofMillis(1_500));
        assertThat(controlPlane.registrations()).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    }

    @Test
    void answersWebSocketPingsAndApplicationPings() throws Exception {
        startAgent();
        controlPlane.awaitConnected(AGENT, WAIT);
        controlPlane.sendEnvelope(AGENT, "ping", Map.of());
        controlPlane.awaitMessage(AGENT, m -> "pong".equals(m.type()), WAIT);
        // The simulator pings every 300 ms and drops a socket without a pong for 2 s; 3 s later we are still on
        // the first socket, so the agent answered every ping.
        ReceivedMessage beat = controlPlane.awaitMessage(AGENT,
                m -> heartbeat(m) && m.receivedAt().isAfter(controlPlane.received(AGENT).get(0).receivedAt()
                        .plusSeconds(3)), WAIT);
        assertThat(beat.connectionNumber()).isEqualTo(1);
        assertThat(controlPlane.connectionCount(AGENT)).isEqualTo(1);
    }

    @Test
    void splitsBatchedFramesAndAnswersEachCommand() throws Exception {
        startAgent();
        controlPlane.awaitConnected(AGENT, WAIT);
        String one = controlPlane.sendCommand(AGENT, "cmd-batch-1", "reboot_host", Map.of());
        controlPlane.sendBatch(AGENT, List.of(
                command("cmd-batch-2", "format_disk"), command("cmd-batch-3", "launch_rocket")));
        CommandState state = controlPlane.awaitCommandStatus(one, CommandState.Status.FAILED, WAIT);
        assertThat(state.error()).startsWith("unknown action 'reboot_host'");
        for (String id : List.of("cmd-batch-2", "cmd-batch-3")) {
            assertThat(awaitReply(id, "failed").payloadText("error")).startsWith("unknown action");
        }
        List<String> order = controlPlane.received(AGENT).stream()
                .filter(m -> m.payloadText("commandId") != null && m.payloadText("commandId").equals("cmd-batch-2"))
                .map(ReceivedMessage::type).toList();
        assertThat(order).containsExactly("ack", "failed");
    }

    @Test
    void survivesMalformedFramesAndKeepsTheSameSocket() throws Exception {
        startAgent();
        controlPlane.awaitConnected(AGENT, WAIT);
        controlPlane.sendRaw(AGENT, "{this is not json");
        controlPlane.sendRaw(AGENT, "{\"type\":\"command\",\"timestamp\":1733334239,\"payload\":{\"commandId\":\"x\"}}");
        controlPlane.sendRaw(AGENT, "{\"type\":\"command\",\"payload\":{\"commandId\":42,\"action\":\"start_session\"}}");
        controlPlane.sendRaw(AGENT, "[1,2,3]");
        controlPlane.sendRaw(AGENT, "{\"type\":\"something_new\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{}}");
        controlPlane.sendRaw(AGENT, "x".repeat(600 * 1024));
        controlPlane.sendFragmented(AGENT, command("cmd-after-junk", "after_junk"), 3);
        assertThat(awaitReply("cmd-after-junk", "failed").payloadText("error")).contains("after_junk");
        assertThat(controlPlane.connectionCount(AGENT)).isEqualTo(1);
        assertThat(agent.logLines("DockerAgent")).anySatisfy(l -> assertThat(l).contains("not valid JSON"))
                .anySatisfy(l -> assertThat(l).contains("\"timestamp\" must be an RFC3339 string"))
                .anySatisfy(l -> assertThat(l).contains("payload.commandId must be a string"))
                .anySatisfy(l -> assertThat(l).contains("larger than the 512 KiB limit"));
    }

    @Test
    void reRegistersAndReconnectsWhenTheSocketIsDropped() throws Exception {
        startAgent();
        controlPlane.awaitConnected(AGENT, WAIT);
        int registrationsBefore = controlPlane.registrations().size();
        controlPlane.dropConnection(AGENT);
        ReceivedMessage first = controlPlane.awaitMessage(AGENT, m -> m.connectionNumber() == 2, WAIT);
        assertThat(first.type()).isEqualTo("heartbeat");
        assertThat(controlPlane.registrations()).hasSizeGreaterThan(registrationsBefore);
        assertThat(agent.logLines("DockerAgent")).anySatisfy(l -> assertThat(l).startsWith("Disconnected from Control Plane"));
    }

    @Test
    void backsOffWithJitterWhileTheControlPlaneIsDownAndReconnectsAfterItsRestart() throws Exception {
        startAgent();
        controlPlane.awaitConnected(AGENT, WAIT);
        controlPlane.stop();
        Pattern retry = Pattern.compile("Cannot register with the control plane .*; retrying in (\\d+) ms");
        Awaitility.await().atMost(WAIT).until(() -> agent.logLines("DockerAgent").stream()
                .filter(l -> retry.matcher(l).matches()).count() >= 3);
        List<Long> delays = agent.logLines("DockerAgent").stream().map(retry::matcher).filter(Matcher::matches)
                .map(m -> Long.parseLong(m.group(1))).toList();
        // failure n waits between 1 s and min(60 s, 2 s * 2^n); the first wait came after the drop itself
        for (int n = 0; n < delays.size(); n++) {
            assertThat(delays.get(n)).isBetween(1_000L, 2_000L << (n + 1));
        }
        controlPlane.restart();
        controlPlane.awaitConnected(AGENT, Duration.ofSeconds(30));
        controlPlane.awaitMessage(AGENT, AgentWalksTest::heartbeat, WAIT);
    }

    @Test
    void aWrongApiKeyIsReportedAndRetriedWithoutConnecting() throws Exception {
        agent = RunningAgent.start(AGENT, controlPlane.webSocketBaseUrl().toString(), "b".repeat(64), Map.of());
        String refused = agent.awaitLog("DockerAgent", l -> l.startsWith("The control plane refused registration"),
                WAIT);
        assertThat(refused).contains("HTTP 403").contains("Invalid API key").doesNotContain("b".repeat(64));
        assertThat(controlPlane.isConnected(AGENT)).isFalse();
        assertThat(String.join("\n", agent.logLines("DockerAgent"))).doesNotContain("b".repeat(64))
                .doesNotContain(KEY);
    }

    private ReceivedMessage awaitReply(String commandId, String type) {
        return controlPlane.awaitMessage(AGENT,
                m -> type.equals(m.type()) && commandId.equals(m.payloadText("commandId")), WAIT);
    }

    private String command(String commandId, String action) {
        return controlPlane.envelope("command", new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                Map.of("commandId", commandId, "action", action, "payload", Map.of())));
    }
}
