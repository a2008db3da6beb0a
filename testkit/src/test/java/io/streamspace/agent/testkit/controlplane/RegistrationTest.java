package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.TestAgent.register;
import static io.streamspace.agent.testkit.controlplane.TestAgent.registrationBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT = "docker-test-1";
    private final String key = TestAgent.newKey();
    private ControlPlaneSimulator sim;

    @BeforeEach
    void start() {
        sim = ControlPlaneSimulator.builder().agent(AGENT, key).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void missingHeaderIs401MissingAuthentication() throws Exception {
        HttpResponse<String> r = register(sim, null, registrationBody(AGENT));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("error").asText()).isEqualTo("Missing authentication");
    }

    @Test
    void malformedKeyIs401WithLengthBeforeBodyValidation() throws Exception {
        HttpResponse<String> r = register(sim, "abc123", "not even json");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("error").asText()).isEqualTo("Invalid API key format");
        assertThat(json(r).path("details").asText()).isEqualTo("API key must be 64 characters (got 6)");

        HttpResponse<String> nonHex = register(sim, "g".repeat(64), registrationBody(AGENT));
        assertThat(nonHex.statusCode()).isEqualTo(401);
        assertThat(json(nonHex).path("details").asText()).isEqualTo("API key must be 64 characters (got 64)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"agentId\":\"ab\",\"platform\":\"docker\"}",
        "{\"agentId\":\"docker-test-1\",\"platform\":\"windows\"}",
        "{\"agentId\":\"docker-test-1\"}",
        "{\"agentId\":\"docker-test-1\",\"platform\":\"docker\",\"region\":\"x\"}",
        "{\"agentId\":\"docker-test-1\",\"platform\":\"docker\",\"capacity\":{\"maxSessions\":10,\"cpu\":4}}",
        "{\"agentId\":\"docker-test-1\",\"platform\":\"docker\",\"capacity\":{\"maxSessions\":\"10\"}}",
        "{\"agentId\":\"docker-test-1\",\"platform\":\"docker\",\"capacity\":{\"maxSessions\":1.5}}",
        "{\"agentId\":\"docker-test-1\",\"platform\":\"docker\",\"capacity\":{\"CPU\":4}}",
        "{\"agentId\":\"docker-test-1\",\"platform\":\"docker\",\"metadata\":\"x\"}",
        "{\"agentId\":42,\"platform\":\"docker\"}",
        "{\"agentId\":\"docker-test-1\",\"platform\":\"docker\"",
        "[]"
    })
    void invalidBodiesAre400InvalidRequestFormat(String body) throws Exception {
        HttpResponse<String> r = register(sim, key, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json(r).path("error").asText()).isEqualTo("Invalid request format");
        assertThat(json(r).path("details").asText()).isNotEmpty();
    }

    @Test
    void numberWhereStringBelongsNamesTheField() throws Exception {
        HttpResponse<String> r = register(sim, key,
                "{\"agentId\":\"docker-test-1\",\"platform\":\"docker\",\"capacity\":{\"cpu\":4}}");
        assertThat(json(r).path("details").asText()).contains("capacity.cpu").contains("number");
    }

    @Test
    void wrongKeyIs403() throws Exception {
        HttpResponse<String> r = register(sim, TestAgent.newKey(), registrationBody(AGENT));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).isEqualTo("{\"error\":\"Invalid API key\"}");
    }

    @Test
    void unknownAgentIs404() throws Exception {
        HttpResponse<String> r = register(sim, key, registrationBody("docker-nobody"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).path("error").asText()).isEqualTo("Agent not found");
        assertThat(sim.agentStatus("docker-nobody")).isEqualTo(AgentStatus.UNKNOWN);
    }

    @Test
    void knownAgentGets200WithFlatRecordAndStableId() throws Exception {
        assertThat(sim.agentStatus(AGENT)).isEqualTo(AgentStatus.OFFLINE);
        HttpResponse<String> r = register(sim, key, registrationBody(AGENT));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.has("agent")).isFalse();
        UUID.fromString(body.path("id").asText());
        assertThat(body.path("agentId").asText()).isEqualTo(AGENT);
        assertThat(body.path("platform").asText()).isEqualTo("docker");
        assertThat(body.path("region").asText()).isEqualTo("us-east-1");
        assertThat(body.path("status").asText()).isEqualTo("online");
        assertThat(body.path("approvalStatus").isTextual()).isTrue();
        assertThat(body.path("approvalStatus").asText()).isEmpty();
        assertThat(body.path("capacity").path("maxSessions").asInt()).isEqualTo(10);
        assertThat(body.path("capacity").path("memory").asText()).isEqualTo("8Gi");
        assertThat(body.path("metadata").path("version").asText()).isEqualTo("test");
        for (String f : new String[] {"lastHeartbeat", "createdAt", "updatedAt"}) {
            assertThat(OffsetDateTime.parse(body.path(f).asText()).getOffset()).isEqualTo(ZoneOffset.ofHours(-7));
        }
        assertThat(sim.agentStatus(AGENT)).isEqualTo(AgentStatus.ONLINE);

        HttpResponse<String> again = register(sim, key, registrationBody(AGENT));
        assertThat(json(again).path("id").asText()).isEqualTo(body.path("id").asText());
    }

    @Test
    void registrationsAreRecorded() {
        register(sim, null, registrationBody(AGENT));
        register(sim, key, registrationBody(AGENT));
        assertThat(sim.registrations()).extracting(RecordedRegistration::statusCode).containsExactly(401, 200);
        RecordedRegistration ok = sim.registrations().get(1);
        assertThat(ok.agentId()).isEqualTo(AGENT);
        assertThat(ok.requestBody()).contains("\"agentId\":\"docker-test-1\"");
        assertThat(ok.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(ok.apiKeyPresent()).isTrue();
        assertThat(sim.registrations().get(0).apiKeyPresent()).isFalse();
    }

    @Test
    void rateLimitAnswers429AfterBudget() throws Exception {
        try (ControlPlaneSimulator limited = ControlPlaneSimulator.builder()
                .agent(AGENT, key).rateLimitPerMinute(5).start()) {
            for (int i = 0; i < 5; i++) {
                assertThat(register(limited, key, registrationBody(AGENT)).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> r = register(limited, key, registrationBody(AGENT));
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(json(r).path("error").asText()).isEqualTo("Rate limit exceeded");
            assertThat(json(r).path("retryAfter").asInt()).isEqualTo(60);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("60");
            assertThat(limited.registrations()).extracting(RecordedRegistration::statusCode)
                    .containsExactly(200, 200, 200, 200, 200, 429);
        }
    }

    @Test
    void webSocketConnectCountsTowardTheRateLimit() {
        try (ControlPlaneSimulator limited = ControlPlaneSimulator.builder()
                .agent(AGENT, key).rateLimitPerMinute(3).start()) {
            assertThat(register(limited, key, registrationBody(AGENT)).statusCode()).isEqualTo(200);
            TestAgent.connect(limited, AGENT, key);
            TestAgent.connect(limited, AGENT, key);
            TestAgent.HandshakeFailed refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                    TestAgent.HandshakeFailed.class, () -> TestAgent.connect(limited, AGENT, key));
            assertThat(refused).isNotNull();
            assertThat(refused.status).isEqualTo(429);
            assertThat(register(limited, key, registrationBody(AGENT)).statusCode()).isEqualTo(429);
        }
    }
}
