package io.streamspace.agent.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.streamspace.agent.application.port.out.RegistrationOutcome;
import io.streamspace.agent.application.port.out.RegistrationRequest;
import io.streamspace.agent.domain.controlplane.AgentCapacity;
import io.streamspace.agent.domain.identity.AgentId;
import io.streamspace.agent.domain.identity.ApiKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The registration POST as it leaves the agent, read by a plain HTTP/1.1 server on loopback. */
class RegistrationRequestShapeTest {

    @Test
    void theRegistrationIsPlainHttp11WithTheApiKeyAndNoUpgradeOffer() throws Exception {
        AtomicReference<Headers> seen = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/agents/register", exchange -> {
            seen.set(exchange.getRequestHeaders());
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"agent\":{\"id\":\"cp-1\",\"status\":\"online\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        ObjectMapper json = new ObjectMapper();
        String key = "ab".repeat(32);
        try (StreamSpaceGateway gateway = new StreamSpaceGateway(
                new ControlPlaneEndpoints(URI.create("ws://127.0.0.1:" + server.getAddress().getPort())),
                new AgentId("shape-agent"), ApiKey.of(key), json, new ProtocolCodec(json, Clock.systemUTC()),
                StreamSpaceGateway.Timeouts.DEFAULT)) {
            RegistrationOutcome outcome = gateway.register(new RegistrationRequest("shape-agent", "docker", null,
                    AgentCapacity.of(10, 4, 8), Map.of()));

            assertThat(outcome).isEqualTo(new RegistrationOutcome.Registered("cp-1", "online"));
            Headers headers = seen.get();
            assertThat(headers.getFirst(StreamSpaceGateway.API_KEY_HEADER)).isEqualTo(key);
            assertThat(headers.containsKey("Upgrade")).as("no h2c upgrade offer: %s", headers.keySet()).isFalse();
            assertThat(headers.containsKey("Http2-settings")).isFalse();
        } finally {
            server.stop(0);
        }
    }
}
