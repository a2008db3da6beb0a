package io.streamspace.agent.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing the frame decoder: any text frame (batched lines, broken JSON, wrong types, deep nesting, control
 * characters) decodes line by line into messages or {@code Malformed} reasons, never an exception; valid commands
 * survive being batched with garbage.
 */
class ProtocolCodecFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ProtocolCodec codec = new ProtocolCodec(JSON, Clock.systemUTC());

    @Property(tries = 500)
    void anyFrameDecodesWithoutThrowing(@ForAll("frames") String frame) {
        List<ProtocolCodec.Decoded> decoded = codec.decodeFrame(frame);
        long lines = frame.lines().filter(l -> !l.isBlank()).count();
        // String.lines() also splits on \r; the protocol splits on \n only, so \r can only merge lines
        assertThat((long) decoded.size()).isLessThanOrEqualTo(lines);
        for (ProtocolCodec.Decoded d : decoded) {
            if (d instanceof ProtocolCodec.Decoded.Malformed m) {
                assertThat(m.reason()).isNotBlank();
                assertThat(m.excerpt().length()).isLessThanOrEqualTo(260);
            }
        }
    }

    @Property(tries = 200)
    void validCommandsSurviveBatchingWithGarbage(@ForAll("garbageLines") List<String> garbage,
                                                 @ForAll("commandIds") String commandId) throws Exception {
        String command = JSON.writeValueAsString(Map.of("type", "command", "timestamp", "2026-12-04T10:00:00Z",
                "payload", Map.of("commandId", commandId, "action", "start_session",
                        "payload", Map.of("sessionId", "s-1"))));
        String frame = String.join("\n", garbage) + "\n" + command + "\n" + String.join("\n", garbage);
        List<InboundMessage.Command> commands = codec.decodeFrame(frame).stream()
                .filter(d -> d instanceof ProtocolCodec.Decoded.Message m && m.message() instanceof InboundMessage.Command)
                .map(d -> (InboundMessage.Command) ((ProtocolCodec.Decoded.Message) d).message())
                .filter(c -> c.commandId().equals(commandId))
                .toList();
        assertThat(commands).isNotEmpty();
        assertThat(commands.getFirst().payload()).containsEntry("sessionId", "s-1");
    }

    @Provide
    Arbitrary<String> frames() {
        return Arbitraries.oneOf(garbageLines().map(l -> String.join("\n", l)),
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.integers().between(1, 3000).map(n -> "[".repeat(n) + "]".repeat(n)),
                Arbitraries.integers().between(1, 3000).map(n -> "{\"type\":\"command\",\"payload\":"
                        + "{\"a\":".repeat(n) + "1" + "}".repeat(n) + "}"));
    }

    @Provide
    Arbitrary<List<String>> garbageLines() {
        return Arbitraries.of(
                "", " ", "{", "}", "null", "[]", "\"text\"", "42", "{\"type\":1}", "{\"type\":null}",
                "{\"type\":\"command\"}", "{\"type\":\"command\",\"payload\":[]}",
                "{\"type\":\"command\",\"payload\":{\"commandId\":5,\"action\":\"x\"}}",
                "{\"type\":\"command\",\"payload\":{\"commandId\":\"c\",\"action\":\"x\",\"payload\":\"no\"}}",
                "{\"type\":\"command\",\"payload\":{\"commandId\":\"c\",\"action\":\"x\",\"payload\":{\"k\":[1,{}]}}}",
                "{\"type\":\"ping\",\"timestamp\":123}", "{\"type\":\"ping\",\"timestamp\":\"yesterday\"}",
                "{\"type\":\"ping\",\"timestamp\":\"2026-12-04T10:00:00+02:00\"}",
                "{\"type\":\"vnc_data\",\"payload\":{\"sessionId\":\"s\"}}", "{\"type\":\"shutdown\"}",
                "{\"type\":\"unknown_thing\",\"payload\":{}}", "{\"type\":\"command\",\"payload\":{\"commandId\":\"\\ud800\"}}",
                "{\"type\":\"ping\"} trailing", "\u0000\u0001", "{\"type\":\"ping\",\"type\":\"shutdown\"}",
                "{\"type\":\"command\",\"payload\":{\"commandId\":\"c\",\"action\":\"a\",\"payload\":{\"n\":1e999999}}}",
                "{\"type\":\"command\",\"payload\":{\"commandId\":\"c\",\"action\":\"a\",\"payload\":{\"n\":"
                        + "123456789012345678901234567890}}}", "\r", "{\"type\":\"ping\"}\r")
                .list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> commandIds() {
        return Arbitraries.strings().alpha().numeric().withChars('-').ofMinLength(1).ofMaxLength(40);
    }
}
