package io.streamspace.agent.bench.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.adapter.websocket.ProtocolCodec;
import io.streamspace.agent.domain.controlplane.AgentCapacity;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Point 7: the agent's wire codec (adapters-websocket {@link ProtocolCodec}), as the agent wires it (one plain
 * {@link ObjectMapper}, the system clock). Scores are messages per second; a batched frame counts each of its
 * lines. The Jackson baselines parse or write the same text with nothing else, to show the codec's own share.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

    static final int BATCH = 10;

    private ObjectMapper json;
    private ProtocolCodec codec;
    private String command;
    private String batch;
    private OutboundMessage ack;
    private OutboundMessage heartbeat;
    private OutboundMessage status;
    private JsonNode commandTree;

    @Setup
    public void setUp() throws Exception {
        json = new ObjectMapper();
        codec = new ProtocolCodec(json, Clock.systemUTC());
        command = json.writeValueAsString(Map.of("type", "command", "timestamp", "2026-12-04T15:00:00Z",
                "payload", Map.of("commandId", "cmd-0a1b2c3d", "action", "start_session", "payload",
                        Map.of("sessionId", "user1-firefox-0a1b2c3d", "user", "user1", "template", "firefox",
                                "namespace", "streamspace", "memory", "2Gi", "cpu", "1000m",
                                "persistentHome", true, "templateManifest", Map.of("spec",
                                        Map.of("baseImage", "lscr.io/linuxserver/firefox:latest", "ports",
                                                List.of(Map.of("name", "vnc", "containerPort", 3000))))))));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            lines.add(command);
        }
        batch = String.join("\n", lines);
        ack = new OutboundMessage.Ack("cmd-0a1b2c3d");
        heartbeat = new OutboundMessage.Heartbeat("online", 3, new AgentCapacity(100, "100", "128Gi", null), null);
        status = new OutboundMessage.SessionStatus("user1-firefox-0a1b2c3d", "running", true, 3000,
                Map.of("containerId", "0123456789ab", "hostPort", 49153), null);
        commandTree = json.readTree(command);
    }

    /** One command line: JSON parse, envelope checks, the command payload to a map. */
    @Benchmark
    public Object decodeCommand() {
        return codec.decodeLine(command);
    }

    /** A frame of {@value #BATCH} newline-separated commands: splitting plus decoding each line. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object splitAndDecodeBatch() {
        return codec.decodeFrame(batch);
    }

    @Benchmark
    public String encodeAck() {
        return codec.encode(ack);
    }

    @Benchmark
    public String encodeHeartbeat() {
        return codec.encode(heartbeat);
    }

    @Benchmark
    public String encodeSessionStatus() {
        return codec.encode(status);
    }

    /** Baseline: Jackson's readTree of the same command line, nothing else. */
    @Benchmark
    public JsonNode baselineJacksonReadTree() throws Exception {
        return json.readTree(command);
    }

    /** Baseline: Jackson writing the same command tree back to text. */
    @Benchmark
    public String baselineJacksonWrite() throws Exception {
        return json.writeValueAsString(commandTree);
    }
}
