package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.TestAgent.heartbeat;
import static io.streamspace.agent.testkit.controlplane.TestAgent.register;
import static io.streamspace.agent.testkit.controlplane.TestAgent.registrationBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DevConsoleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration T = Duration.ofSeconds(5);
    private final String key = TestAgent.newKey();
    private ControlPlaneSimulator sim;

    @BeforeEach
    void start() {
        sim = ControlPlaneSimulator.builder().agent("docker-dev", key).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private HttpResponse<String> post(String path, String body) {
        return TestAgent.send(HttpRequest.newBuilder(sim.httpBaseUrl().resolve(path)).timeout(T)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> get(String path) {
        return TestAgent.send(HttpRequest.newBuilder(sim.httpBaseUrl().resolve(path)).timeout(T).build());
    }

    @Test
    void commandToDisconnectedAgentIs404() {
        HttpResponse<String> r = post("/dev/commands", "{\"agentId\":\"docker-dev\",\"action\":\"start_session\"}");
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void commandIsSentAndMessagesAndAgentsAreListed() throws Exception {
        register(sim, key, registrationBody("docker-dev"));
        TestAgent.Socket s = TestAgent.connect(sim, "docker-dev", key);
        sim.awaitConnected("docker-dev", T);
        s.send(heartbeat());
        sim.awaitMessage("docker-dev", m -> m.isAccepted("heartbeat"), T);

        HttpResponse<String> r = post("/dev/commands",
                "{\"agentId\":\"docker-dev\",\"action\":\"stop_session\",\"payload\":{\"sessionId\":\"s1\"}}");
        assertThat(r.statusCode()).isEqualTo(200);
        String id = JSON.readTree(r.body()).path("commandId").asText();
        assertThat(id).matches("cmd-[0-9a-f]{8}");
        await().atMost(T).until(() -> s.messages.size() == 1);
        JsonNode cmd = JSON.readTree(s.messages.get(0)).path("payload");
        assertThat(cmd.path("commandId").asText()).isEqualTo(id);
        assertThat(cmd.path("payload").path("sessionId").asText()).isEqualTo("s1");
        assertThat(sim.commandState(id).status()).isEqualTo(CommandState.Status.PENDING);

        JsonNode agents = JSON.readTree(get("/dev/agents").body());
        assertThat(agents).hasSize(1);
        assertThat(agents.get(0).path("agentId").asText()).isEqualTo("docker-dev");
        assertThat(agents.get(0).path("status").asText()).isEqualTo("online");
        assertThat(agents.get(0).path("connected").asBoolean()).isTrue();

        JsonNode messages = JSON.readTree(get("/dev/messages?agentId=docker-dev").body());
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).path("type").asText()).isEqualTo("heartbeat");
        assertThat(messages.get(0).path("accepted").asBoolean()).isTrue();
    }
}
