package io.streamspace.agent.testkit.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentMessageDecoderTest {

    private final AgentMessageDecoder decoder = new AgentMessageDecoder(ControlPlaneSimulator.MAPPER);

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{\"status\":\"online\"}}",
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04T17:43:59.123456789-07:00\",\"payload\":{}}",
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04T17:43:59.1+05:30\",\"payload\":{\"activeSessions\":null}}",
        "{\"type\":\"heartbeat\",\"payload\":{\"activeSessions\":3,\"details\":{\"version\":1}}}",
        "{\"Type\":\"ack\",\"TimeStamp\":\"2025-12-04T17:43:59Z\",\"Payload\":{\"CommandID\":\"cmd-1\"}}",
        "{\"type\":\"complete\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{\"commandId\":\"c\",\"result\":{}}}",
        "{\"type\":\"pong\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{}}"
    })
    void acceptedLikeTheGoServer(String line) {
        AgentMessageDecoder.Decoded d = decoder.decode(line);
        assertThat(d.dropReason()).isNull();
        assertThat(d.accepted()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04t17:43:59z\",\"payload\":{}}",
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04T17:43Z\",\"payload\":{}}",
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04T17:43:59\",\"payload\":{}}",
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-13-04T17:43:59Z\",\"payload\":{}}",
        "{\"type\":\"heartbeat\",\"timestamp\":true,\"payload\":{}}",
        "{\"type\":7,\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{}}",
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":[]}",
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{\"activeSessions\":1.5}}",
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{\"status\":1}}",
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{\"capacity\":{\"MEMORY\":8}}}",
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{\"capacity\":\"big\"}}",
        "{\"type\":\"failed\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{\"commandId\":\"c\",\"error\":{}}}",
        "{\"type\":\"heartbeat\",\"timestamp\":\"2025-12-04T17:43:59Z\",\"payload\":{}} trailing",
        "[1,2]",
        "not json"
    })
    void droppedLikeTheGoServer(String line) {
        AgentMessageDecoder.Decoded d = decoder.decode(line);
        assertThat(d.accepted()).isFalse();
        assertThat(d.dropReason()).isNotBlank();
    }
}
