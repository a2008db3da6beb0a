package io.streamspace.agent.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing the frame decoder: any text frame (batched lines, broken JSON, wrong types, deep nesting, control
 * characters) decodes line by line into messages or {@code Malformed} reasons, never an exception; a valid command
 * survives being batched with that text as garbage around it. Seeds (real frames) are in
 * {@code ProtocolCodecFuzzTestInputs/frames}.
 */
class ProtocolCodecFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

    private final ProtocolCodec codec = new ProtocolCodec(JSON, Clock.systemUTC());

    @FuzzTest(maxDuration = "8s")
    @DictionaryEntries({"{\"type\":", "\"command\"", "\"ping\"", "\"shutdown\"", "\"vnc_data\"", "\"payload\":",
            "\"commandId\":", "\"action\":", "\"timestamp\":", "\"2026-12-04T10:00:00Z\"", "\"sessionId\":", "null",
            "1e999999", "\\ud800", "[", "]", "{", "}"})
    void frames(FuzzedDataProvider data) throws JsonProcessingException {
        String commandId = commandId(data); // from the end of the input, so the frame text is the input's start
        String frame = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
        anyFrameDecodesWithoutThrowing(frame);
        aValidCommandSurvivesBatchingWithGarbage(frame, commandId);
    }

    private void anyFrameDecodesWithoutThrowing(String frame) {
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

    private void aValidCommandSurvivesBatchingWithGarbage(String garbage, String commandId)
            throws JsonProcessingException {
        String command = JSON.writeValueAsString(Map.of("type", "command", "timestamp", "2026-12-04T10:00:00Z",
                "payload", Map.of("commandId", commandId, "action", "start_session",
                        "payload", Map.of("sessionId", "s-1"))));
        String frame = garbage + "\n" + command + "\n" + garbage;
        List<InboundMessage.Command> commands = codec.decodeFrame(frame).stream()
                .filter(d -> d instanceof ProtocolCodec.Decoded.Message m && m.message() instanceof InboundMessage.Command)
                .map(d -> (InboundMessage.Command) ((ProtocolCodec.Decoded.Message) d).message())
                .filter(c -> c.commandId().equals(commandId))
                .toList();
        assertThat(commands).as("command %s batched with %s", commandId, garbage).isNotEmpty();
        // the garbage may itself hold a valid command with the same id (a kept finding): one of them is ours
        assertThat(commands).anySatisfy(c -> assertThat(c.payload()).containsEntry("sessionId", "s-1"));
    }

    private static String commandId(FuzzedDataProvider data) {
        int length = data.consumeInt(1, 40);
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ID_CHARS.charAt(data.consumeInt(0, ID_CHARS.length() - 1)));
        }
        return id.toString();
    }

    // Deep nesting needs more than the fuzzer's default input length (4096 bytes): checked here directly.
    @Test
    void deeplyNestedFramesAreMalformedNotACrash() {
        for (int depth : new int[] {1, 999, 1001, 3000, 20_000}) {
            anyFrameDecodesWithoutThrowing("[".repeat(depth) + "]".repeat(depth));
            anyFrameDecodesWithoutThrowing("{\"type\":\"command\",\"payload\":" + "{\"a\":".repeat(depth) + "1"
                    + "}".repeat(depth) + "}");
        }
        assertThat(codec.decodeFrame("[".repeat(20_000) + "]".repeat(20_000)).getFirst())
                .isInstanceOf(ProtocolCodec.Decoded.Malformed.class);
    }
}
