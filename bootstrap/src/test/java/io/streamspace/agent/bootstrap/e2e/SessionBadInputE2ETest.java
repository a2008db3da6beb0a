package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 4 point 9: bad input is answered precisely, the link stays up and a running session is untouched. */
class SessionBadInputE2ETest extends SessionE2E {

    private static final String RULE = "must start with a letter or digit and contain only letters, digits, '_', '.'"
            + " and '-'";

    @Test
    void badCommandsAreAnsweredPreciselyWhileTheLinkAndARunningSessionStayUp() throws Exception {
        startAgent(Map.of());
        String bystander = sessionId("judy", "vnc-echo");
        startSession(bystander);
        String bystanderContainer = inspectContainer("streamspace-" + bystander).at("/Id").asText();
        int statusesBefore = statusesOf(bystander).size();

        // invalid session ids, for every session action
        for (String action : List.of("start_session", "stop_session", "hibernate_session", "wake_session")) {
            for (String bad : List.of("../etc", "a b", "x".repeat(200))) {
                Map<String, Object> payload = action.equals("start_session")
                        ? with(startPayload(bystander), "sessionId", bad) : Map.of("sessionId", bad);
                String commandId = send(action, payload);
                CommandState failed = awaitFailed(commandId);
                assertThat(repliesTo(commandId)).as(action + " " + bad).containsExactly("ack", "failed");
                if (bad.length() == 200) {
                    assertThat(failed.error()).isEqualTo("sessionId is 200 characters long; at most 128 are allowed");
                } else {
                    assertThat(failed.error()).contains("sessionId \"" + bad + "\" is invalid").contains(RULE);
                }
            }
        }
        // missing or empty required fields: the reason names the field, and the session is failed in the CP
        String noUser = sessionId("judy", "vnc-echo");
        String missingUser = send("start_session", with(startPayload(noUser), "user", null));
        assertThat(awaitFailed(missingUser).error()).isEqualTo("user is required");
        assertThat(conversation(missingUser, noUser)).containsExactly("ack", "status:failed", "failed");
        String noTemplate = sessionId("judy", "vnc-echo");
        String emptyTemplate = send("start_session", with(startPayload(noTemplate), "template", ""));
        assertThat(awaitFailed(emptyTemplate).error()).isEqualTo("template must not be empty");
        String noManifest = sessionId("judy", "vnc-echo");
        assertThat(awaitFailed(send("start_session", with(startPayload(noManifest), "templateManifest", null)))
                .error()).isEqualTo("templateManifest is required");
        assertThat(awaitFailed(send("stop_session", Map.of("namespace", "streamspace"))).error())
                .isEqualTo("sessionId is required");
        assertThat(awaitFailed(send("wake_session", Map.of("sessionId", 42))).error())
                .isEqualTo("sessionId must be a string");

        // unknown action
        String unknown = send("resize_session", Map.of("sessionId", bystander));
        assertThat(awaitFailed(unknown).error()).startsWith("unknown action 'resize_session'");
        assertThat(repliesTo(unknown)).containsExactly("ack", "failed");

        // three commands batched in one frame: three acks, three answers
        String a = "cmd-batch-a-" + hex8();
        String b = "cmd-batch-b-" + hex8();
        String c = "cmd-batch-c-" + hex8();
        controlPlane.sendBatch(agentId, List.of(
                command(a, "wake_session", Map.of("sessionId", bystander)),
                command(b, "stop_session", Map.of("sessionId", "../etc")),
                command(c, "no_such_action", Map.of())));
        for (String id : List.of(a, b, c)) {
            controlPlane.awaitMessage(agentId, m -> m.isAccepted("ack") && id.equals(m.payloadText("commandId")), WAIT);
        }
        assertThat(controlPlane.awaitMessage(agentId, m -> m.isAccepted("complete")
                && a.equals(m.payloadText("commandId")), WAIT)).isNotNull();
        for (String id : List.of(b, c)) {
            controlPlane.awaitMessage(agentId, m -> m.isAccepted("failed") && id.equals(m.payloadText("commandId")),
                    WAIT);
        }

        // junk frames: malformed JSON, a numeric timestamp, an oversized message
        controlPlane.sendRaw(agentId, "{\"type\":\"command\",");
        controlPlane.sendRaw(agentId, "{\"type\":\"command\",\"timestamp\":1733334239,\"payload\":{\"commandId\":"
                + "\"cmd-ts\",\"action\":\"stop_session\",\"payload\":{\"sessionId\":\"" + bystander + "\"}}}");
        controlPlane.sendRaw(agentId, "{\"type\":\"command\",\"payload\":{\"pad\":\"" + "x".repeat(600 * 1024)
                + "\",\"commandId\":\"cmd-big\",\"action\":\"stop_session\",\"payload\":{\"sessionId\":\""
                + bystander + "\"}}}");
        String after = send("wake_session", sessionPayload(bystander));
        awaitCompleted(after);

        // the link never dropped and the bystander was never touched (the junk stops were not obeyed)
        assertThat(controlPlane.connectionCount(agentId)).isEqualTo(1);
        assertThat(controlPlane.received(agentId)).allSatisfy(m -> assertThat(m.connectionNumber()).isEqualTo(1))
                .allSatisfy(m -> assertThat(m.accepted()).as(m.raw()).isTrue());
        assertThat(controlPlane.received(agentId)).noneMatch(m -> "cmd-ts".equals(m.payloadText("commandId"))
                || "cmd-big".equals(m.payloadText("commandId")));
        assertThat(inspectContainer("streamspace-" + bystander).at("/Id").asText()).isEqualTo(bystanderContainer);
        assertThat(inspectContainer("streamspace-" + bystander).at("/State/Status").asText()).isEqualTo("running");
        assertThat(statusesOf(bystander).subList(statusesBefore, statusesOf(bystander).size()))
                .extracting(ReceivedMessage::payload).allSatisfy(p -> assertThat(p.get("state").asText())
                        .isEqualTo("running"));
        assertThat(controlPlane.sessionState(bystander).state()).isEqualTo("running");
        assertThat(containersOfAgent()).containsExactly("streamspace-" + bystander);
        assertThat(agent.logLines("DockerAgent")).anySatisfy(l -> assertThat(l).contains("not valid JSON"))
                .anySatisfy(l -> assertThat(l).contains("\"timestamp\" must be an RFC3339 string"))
                .anySatisfy(l -> assertThat(l).contains("larger than the 512 KiB limit"));
    }

    private String command(String commandId, String action, Map<String, ?> payload) {
        return controlPlane.envelope("command", JSON.valueToTree(
                Map.of("commandId", commandId, "action", action, "payload", payload)));
    }
}
