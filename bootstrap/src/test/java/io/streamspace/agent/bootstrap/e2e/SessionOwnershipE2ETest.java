package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamspace.agent.testkit.controlplane.CommandState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 4 point 10: the agent touches only its own objects. A container or network with the agent's name but
 * without its labels is refused, never changed or removed. The test removes what it created itself by name.
 */
class SessionOwnershipE2ETest extends SessionE2E {

    @Test
    void aForeignContainerWithTheSessionsNameIsRefusedAndNeverTouched() throws Exception {
        startAgent(Map.of());
        String sessionId = sessionId("mallory", "vnc-echo");
        String name = "streamspace-" + sessionId;
        String foreignId = dockerOk("run", "-d", "--name", name, "--label", "streamspace.test.foreign=" + agentId,
                BUSYBOX_IMAGE, "sleep", "300");
        try {
            String start = send("start_session", startPayload(sessionId));
            CommandState startFailed = awaitFailed(start);
            assertThat(startFailed.error()).contains(name).contains("not managed by this agent");
            assertThat(conversation(start, sessionId)).containsExactly("ack", "status:failed", "failed");
            assertUntouched(name, foreignId);
            assertThat(volumeExists("streamspace-" + sessionId + "-home")).isFalse();

            for (String action : new String[] {"stop_session", "hibernate_session", "wake_session"}) {
                String commandId = send(action, Map.of("sessionId", sessionId, "deletePVC", true));
                CommandState failed = awaitFailed(commandId);
                assertThat(failed.error()).as(action).contains(name).contains("not managed by this agent");
                assertThat(conversation(commandId, sessionId)).as(action)
                        .containsExactly("ack", "status:failed", "failed");
                assertUntouched(name, foreignId);
            }
            assertThat(controlPlane.sessionState(sessionId).history()).containsOnly("failed");
            assertThat(containersOfAgent()).isEmpty();
        } finally {
            docker("rm", "-f", foreignId);
        }
    }

    @Test
    void aForeignNetworkWithTheAgentsNetworkNameIsRefusedAndNeverTouched() throws Exception {
        String foreignNetwork = dockerOk("network", "create", "--label", "streamspace.test.foreign=" + agentId,
                network);
        try {
            startAgent(Map.of());
            String sessionId = sessionId("mallory", "vnc-echo");
            String start = send("start_session", startPayload(sessionId));
            CommandState failed = awaitFailed(start);
            assertThat(failed.error()).contains(network).contains("not managed by this agent");
            assertThat(conversation(start, sessionId)).containsExactly("ack", "status:failed", "failed");
            assertThat(inspectContainer("streamspace-" + sessionId)).isNull();
            assertThat(volumesOfAgent()).isEmpty();
            JsonNode net = JSON.readTree(dockerOk("network", "inspect", foreignNetwork)).get(0);
            assertThat(net.at("/Labels").has("streamspace.agent.id")).isFalse();
        } finally {
            docker("network", "rm", foreignNetwork);
        }
    }

    private static void assertUntouched(String name, String foreignId) throws Exception {
        JsonNode foreign = inspectContainer(name);
        assertThat(foreign).as("the foreign container still exists").isNotNull();
        assertThat(foreign.at("/Id").asText()).isEqualTo(foreignId);
        assertThat(foreign.at("/State/Status").asText()).isEqualTo("running");
        assertThat(foreign.at("/RestartCount").asInt()).isZero();
        assertThat(foreign.at("/Config/Labels").has("streamspace.agent.id")).isFalse();
    }
}
