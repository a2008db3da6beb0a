package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.TestAgent.register;
import static io.streamspace.agent.testkit.controlplane.TestAgent.registrationBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BootstrapApprovalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT = "docker-new-1";
    private final String bootstrap = TestAgent.newKey();
    private ControlPlaneSimulator sim;

    @BeforeEach
    void start() {
        sim = ControlPlaneSimulator.builder().bootstrapKey(bootstrap).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void pendingThenApprovedThenRejected() throws Exception {
        HttpResponse<String> pending = register(sim, bootstrap, registrationBody(AGENT));
        assertThat(pending.statusCode()).isEqualTo(202);
        JsonNode p = JSON.readTree(pending.body());
        assertThat(p.path("approvalStatus").asText()).isEqualTo("pending");
        assertThat(p.path("agent").path("agentId").asText()).isEqualTo(AGENT);
        assertThat(p.path("message").asText()).isNotEmpty();
        assertThat(p.has("apiKey")).isFalse();

        TestAgent.HandshakeFailed notYet = catchThrowableOfType(TestAgent.HandshakeFailed.class,
                () -> TestAgent.connect(sim, AGENT, bootstrap));
        assertThat(notYet.status).isEqualTo(403);

        sim.setApproval(AGENT, Approval.APPROVED);
        HttpResponse<String> approved = register(sim, bootstrap, registrationBody(AGENT));
        assertThat(approved.statusCode()).isEqualTo(200);
        JsonNode a = JSON.readTree(approved.body());
        assertThat(a.path("approvalStatus").asText()).isEqualTo("approved");
        assertThat(a.path("agent").path("id").asText()).isEqualTo(p.path("agent").path("id").asText());
        assertThat(sim.agentStatus(AGENT)).isEqualTo(AgentStatus.ONLINE);

        TestAgent.Socket socket = TestAgent.connect(sim, AGENT, bootstrap);
        sim.awaitConnected(AGENT, Duration.ofSeconds(5));
        assertThat(socket.isClosed()).isFalse();

        sim.setApproval(AGENT, Approval.REJECTED);
        HttpResponse<String> rejected = register(sim, bootstrap, registrationBody(AGENT));
        assertThat(rejected.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(rejected.body()).path("approvalStatus").asText()).isEqualTo("rejected");
    }

    @Test
    void otherKeyForBootstrappedAgentIs403() throws Exception {
        register(sim, bootstrap, registrationBody(AGENT));
        HttpResponse<String> r = register(sim, TestAgent.newKey(), registrationBody(AGENT));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo("Invalid API key");
    }
}
