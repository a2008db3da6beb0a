package io.streamspace.agent.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ControlPlaneEndpointsTest {

    @Test
    void mapsWebSocketSchemesToHttpAndKeepsTheBasePath() {
        var secure = new ControlPlaneEndpoints(URI.create("wss://control.example.com/streamspace/"));
        assertThat(secure.register()).hasToString("https://control.example.com/streamspace/api/v1/agents/register");
        assertThat(secure.connect("docker-1"))
                .hasToString("wss://control.example.com/streamspace/api/v1/agents/connect?agent_id=docker-1");
        var plain = new ControlPlaneEndpoints(URI.create("ws://127.0.0.1:8000"));
        assertThat(plain.register()).hasToString("http://127.0.0.1:8000/api/v1/agents/register");
    }

    @Test
    void encodesTheAgentIdAsAQueryValue() {
        var endpoints = new ControlPlaneEndpoints(URI.create("ws://h"));
        assertThat(endpoints.connect("a b").toString()).endsWith("agent_id=a+b");
    }

    @Test
    void refusesHttpUrls() {
        assertThatThrownBy(() -> new ControlPlaneEndpoints(URI.create("http://h")))
                .hasMessageContaining("ws:// or wss://");
    }
}
