package io.streamspace.agent.bootstrap.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.adapter.websocket.ControlPlaneEndpoints;
import io.streamspace.agent.adapter.websocket.ProtocolCodec;
import io.streamspace.agent.adapter.websocket.StreamSpaceGateway;
import io.streamspace.agent.application.port.out.RegistrationRequest;
import io.streamspace.agent.application.service.ControlPlaneLinkService;
import io.streamspace.agent.application.service.LinkSettings;
import io.streamspace.agent.domain.controlplane.AgentCapacity;
import io.streamspace.agent.domain.identity.AgentId;
import io.streamspace.agent.domain.identity.ApiKey;
import io.streamspace.agent.domain.link.ReconnectBackoff;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** The real link's parts as the link tests wire them against the simulator, without the rest of the agent. */
final class LinkFixture {

    private LinkFixture() {
    }

    /** The WebSocket gateway of {@code agent} to the simulator. */
    static StreamSpaceGateway gateway(ControlPlaneSimulator controlPlane, String agent, String key) {
        ObjectMapper json = new ObjectMapper();
        return new StreamSpaceGateway(new ControlPlaneEndpoints(controlPlane.webSocketBaseUrl()), new AgentId(agent),
                ApiKey.of(key), json, new ProtocolCodec(json, Clock.systemUTC()), StreamSpaceGateway.Timeouts.DEFAULT);
    }

    /** Link settings with a one-second heartbeat and quick reconnects (200 ms to 2 s). */
    static LinkSettings settings(String agent) {
        return new LinkSettings(new RegistrationRequest(agent, "docker", null, AgentCapacity.of(10, 4, 8), Map.of()),
                Duration.ofSeconds(1),
                new ReconnectBackoff(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofSeconds(2)),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    /** Serves {@code link} on a daemon thread until it is stopped. */
    static Thread serve(ControlPlaneLinkService link) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                link.serve();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
