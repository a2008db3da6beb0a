package io.streamspace.agent.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.domain.controlplane.AgentCapacity;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProtocolCodecTest {

    private final ObjectMapper json = new ObjectMapper();
    private final ProtocolCodec codec = new ProtocolCodec(json,
            Clock.fixed(Instant.parse("2025-12-04T17:44:30.123Z"), ZoneOffset.UTC));

    @Test
    void heartbeatHasTheExactJsonTypesTheControlPlaneDecodes() throws Exception {
        JsonNode node = json.readTree(codec.encode(new OutboundMessage.Heartbeat("online", 3,
                AgentCapacity.of(100, 100, 128), Map.of())));
        assertThat(node.get("type").asText()).isEqualTo("heartbeat");
        assertThat(node.get("timestamp").isTextual()).isTrue();
        assertThat(node.get("timestamp").asText()).isEqualTo("2025-12-04T17:44:30.123Z");
        JsonNode payload = node.get("payload");
        assertThat(payload.get("status").isTextual()).isTrue();
        assertThat(payload.get("activeSessions").isInt()).isTrue();
        assertThat(payload.get("activeSessions").asInt()).isEqualTo(3);
        assertThat(payload.get("capacity").get("maxSessions").isInt()).isTrue();
        assertThat(payload.get("capacity").get("cpu").asText()).isEqualTo("100 cores");
        assertThat(payload.get("capacity").get("memory").asText()).isEqualTo("128Gi");
        assertThat(payload.has("details")).isFalse();
    }

    @Test
    void everyMessageCarriesAPayloadObjectEvenPong() throws Exception {
        JsonNode node = json.readTree(codec.encode(new OutboundMessage.Pong()));
        assertThat(node.get("payload").isObject()).isTrue();
        assertThat(node.get("type").asText()).isEqualTo("pong");
    }

    @Test
    void statusAndResultsFollowTheProtocolExamples() throws Exception {
        JsonNode status = json.readTree(codec.encode(new OutboundMessage.SessionStatus("alice-firefox-1a2b3c4d",
                "running", true, 3000, Map.of("podName", "streamspace-alice-firefox-1a2b3c4d"), null))).get("payload");
        assertThat(status.get("state").asText()).isEqualTo("running");
        assertThat(status.get("vncReady").isBoolean()).isTrue();
        assertThat(status.get("vncPort").isInt()).isTrue();
        assertThat(status.get("platformMetadata").get("podName").asText()).startsWith("streamspace-");
        JsonNode failed = json.readTree(codec.encode(new OutboundMessage.Failed("cmd-1", "why"))).get("payload");
        assertThat(failed.get("commandId").asText()).isEqualTo("cmd-1");
        assertThat(failed.get("error").asText()).isEqualTo("why");
    }

    @Test
    void fencingEpochIsAddedToEveryPayloadWhenSet() throws Exception {
        codec.agentEpoch(OptionalLong.of(7));
        JsonNode ack = json.readTree(codec.encode(new OutboundMessage.Ack("cmd-1"))).get("payload");
        assertThat(ack.get("agentEpoch").asLong()).isEqualTo(7);
    }

    @Test
    void decodesCommandsWithOffsetTimestampsWithNanoseconds() {
        String line = "{\"type\":\"command\",\"timestamp\":\"2025-12-04T17:43:59.123456789-07:00\",\"payload\":"
                + "{\"commandId\":\"cmd-1a2b3c4d\",\"action\":\"start_session\",\"payload\":{\"sessionId\":\"s1\"}}}";
        var decoded = codec.decodeLine(line);
        assertThat(decoded).isInstanceOf(ProtocolCodec.Decoded.Message.class);
        var command = (InboundMessage.Command) ((ProtocolCodec.Decoded.Message) decoded).message();
        assertThat(command.commandId()).isEqualTo("cmd-1a2b3c4d");
        assertThat(command.action()).isEqualTo("start_session");
        assertThat(command.payload()).containsEntry("sessionId", "s1");
    }

    @Test
    void splitsBatchedFramesOnNewlinesAndSkipsBlankLines() {
        String frame = "{\"type\":\"ping\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{}}\n\n"
                + "{\"type\":\"vnc_close\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{\"sessionId\":\"s\"}}\n"
                + "{\"type\":\"brand_new\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{}}\n";
        List<ProtocolCodec.Decoded> decoded = codec.decodeFrame(frame);
        assertThat(decoded).extracting(d -> ((ProtocolCodec.Decoded.Message) d).message())
                .containsExactly(new InboundMessage.Ping(), new InboundMessage.VncClose("s", null),
                        new InboundMessage.Unknown("brand_new"));
    }

    @Test
    void reportsMalformedLinesPreciselyWithoutFailingTheOthers() {
        String frame = "{not json\n"
                + "{\"type\":\"command\",\"timestamp\":1733334239,\"payload\":{}}\n"
                + "{\"type\":\"command\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{\"action\":\"x\"}}\n"
                + "{\"type\":\"command\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":[]}\n"
                + "{\"type\":\"ping\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{}}";
        List<ProtocolCodec.Decoded> decoded = codec.decodeFrame(frame);
        assertThat(decoded).hasSize(5);
        assertThat(((ProtocolCodec.Decoded.Malformed) decoded.get(0)).reason()).startsWith("not valid JSON");
        assertThat(((ProtocolCodec.Decoded.Malformed) decoded.get(1)).reason()).contains("timestamp").contains("number");
        assertThat(((ProtocolCodec.Decoded.Malformed) decoded.get(2)).reason()).isEqualTo("payload.commandId is missing");
        assertThat(((ProtocolCodec.Decoded.Malformed) decoded.get(3)).reason()).contains("payload").contains("array");
        assertThat(decoded.get(4)).isEqualTo(new ProtocolCodec.Decoded.Message(new InboundMessage.Ping()));
    }

    @Test
    void excerptsOfHugeLinesAreShort() {
        assertThat(ProtocolCodec.excerpt("x".repeat(600_000))).hasSizeLessThan(250).endsWith("(600000 chars)");
    }
}
