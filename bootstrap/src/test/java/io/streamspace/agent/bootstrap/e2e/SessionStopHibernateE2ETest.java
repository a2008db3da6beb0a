package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.CommandState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 4 points 2 and 3: stop is idempotent and keeps or deletes the disk; hibernate and wake in both modes. */
class SessionStopHibernateE2ETest extends SessionE2E {

    @Test
    void stopRemovesTheContainerKeepsTheVolumesAndIsIdempotent() throws Exception {
        startAgent(Map.of());
        String sessionId = sessionId("bob", "vnc-echo");
        startSession(sessionId);

        String stop = send("stop_session", Map.of("sessionId", sessionId, "deletePVC", false));
        CommandState stopped = awaitCompleted(stop);
        assertThat(conversation(stop, sessionId)).containsExactly("ack", "status:terminated", "complete");
        assertThat(stopped.result().get("containerRemoved").asBoolean()).isTrue();
        assertThat(controlPlane.sessionState(sessionId).state()).isEqualTo("terminated");
        assertThat(inspectContainer("streamspace-" + sessionId)).isNull();
        assertThat(volumeExists("streamspace-" + sessionId + "-home")).isTrue();
        assertThat(volumeExists("streamspace-" + sessionId + "-data")).isTrue();

        // the CP re-sends stop for a session stuck in terminating: still a success, still terminated
        String again = send("stop_session", sessionPayload(sessionId));
        CommandState secondStop = awaitCompleted(again);
        assertThat(conversation(again, sessionId)).containsExactly("ack", "status:terminated", "complete");
        assertThat(secondStop.result().get("containerRemoved").asBoolean()).isFalse();
        assertThat(controlPlane.sessionState(sessionId).history()).containsExactly("running", "terminated",
                "terminated");
        assertThat(volumeExists("streamspace-" + sessionId + "-home")).isTrue();
    }

    @Test
    void stopWithDeletePvcRemovesTheSessionsVolumesToo() throws Exception {
        startAgent(Map.of());
        String sessionId = sessionId("bob", "vnc-echo");
        startSession(sessionId);

        String stop = send("stop_session", Map.of("sessionId", sessionId, "deletePVC", true));
        CommandState stopped = awaitCompleted(stop);
        assertThat(conversation(stop, sessionId)).containsExactly("ack", "status:terminated", "complete");
        assertThat(inspectContainer("streamspace-" + sessionId)).isNull();
        assertThat(volumeExists("streamspace-" + sessionId + "-home")).isFalse();
        assertThat(volumeExists("streamspace-" + sessionId + "-data")).isFalse();
        assertThat(stopped.result().get("volumesRemoved").toString()).contains("-home").contains("-data");
        assertThat(volumesOfAgent()).isEmpty();

        // deleting a session that is long gone is still a success
        awaitCompleted(send("stop_session", Map.of("sessionId", sessionId, "deletePVC", true)));
    }

    @Test
    void hibernateInStopModeStopsTheContainerKeepsItsDiskAndWakeRunsItAgain() throws Exception {
        startAgent(Map.of(Setting.HIBERNATE_MODE, "stop"));
        String sessionId = sessionId("carol", "vnc-echo");
        String name = "streamspace-" + sessionId;
        startSession(sessionId);
        String containerId = inspectContainer(name).at("/Id").asText();

        // something written to the home volume survives hibernation
        dockerOk("exec", name, "sh", "-c", "echo kept > /config/marker");

        String hibernate = send("hibernate_session", sessionPayload(sessionId));
        awaitCompleted(hibernate);
        assertThat(conversation(hibernate, sessionId)).containsExactly("ack", "status:hibernated", "complete");
        JsonNode hibernated = inspectContainer(name);
        assertThat(hibernated.at("/State/Status").asText()).isEqualTo("exited");
        assertThat(hibernated.at("/Id").asText()).isEqualTo(containerId);
        assertThat(volumeExists("streamspace-" + sessionId + "-home")).isTrue();
        assertThat(controlPlane.sessionState(sessionId).state()).isEqualTo("hibernated");

        String wake = send("wake_session", sessionPayload(sessionId));
        awaitCompleted(wake);
        assertThat(conversation(wake, sessionId)).containsExactly("ack", "status:running", "complete");
        JsonNode woken = inspectContainer(name);
        assertThat(woken.at("/State/Status").asText()).isEqualTo("running");
        assertThat(woken.at("/Id").asText()).isEqualTo(containerId);
        assertThat(dockerOk("exec", name, "cat", "/config/marker")).isEqualTo("kept");
        assertThat(statusesOf(sessionId).getLast().payload().at("/platformMetadata/podName").asText())
                .isEqualTo(name);
        assertThat(controlPlane.sessionState(sessionId).history()).containsExactly("running", "hibernated",
                "running");
    }

    @Test
    void hibernateInPauseModePausesTheContainerAndWakeUnpausesIt() throws Exception {
        startAgent(Map.of(Setting.HIBERNATE_MODE, "pause"));
        String sessionId = sessionId("carol", "vnc-echo");
        String name = "streamspace-" + sessionId;
        startSession(sessionId);

        String hibernate = send("hibernate_session", sessionPayload(sessionId));
        awaitCompleted(hibernate);
        assertThat(conversation(hibernate, sessionId)).containsExactly("ack", "status:hibernated", "complete");
        assertThat(inspectContainer(name).at("/State/Status").asText()).isEqualTo("paused");

        String wake = send("wake_session", sessionPayload(sessionId));
        awaitCompleted(wake);
        assertThat(conversation(wake, sessionId)).containsExactly("ack", "status:running", "complete");
        assertThat(inspectContainer(name).at("/State/Status").asText()).isEqualTo("running");
    }

    @Test
    void wakingARunningSessionSucceedsAndHibernatingAMissingOneFailsWithTheReason() throws Exception {
        startAgent(Map.of());
        String sessionId = sessionId("dave", "vnc-echo");
        String name = "streamspace-" + sessionId;
        startSession(sessionId);
        String containerId = inspectContainer(name).at("/Id").asText();

        String wake = send("wake_session", sessionPayload(sessionId));
        awaitCompleted(wake);
        assertThat(conversation(wake, sessionId)).containsExactly("ack", "status:running", "complete");
        assertThat(inspectContainer(name).at("/Id").asText()).isEqualTo(containerId);
        assertThat(inspectContainer(name).at("/State/Status").asText()).isEqualTo("running");

        String missing = sessionId("dave", "nothing");
        String hibernate = send("hibernate_session", sessionPayload(missing));
        CommandState failed = awaitFailed(hibernate);
        assertThat(failed.error()).contains(missing).contains("does not exist");
        assertThat(conversation(hibernate, missing)).containsExactly("ack", "status:failed", "failed");
        assertThat(inspectContainer("streamspace-" + missing)).isNull();
        assertThat(containersOfAgent()).containsExactly(name);
    }
}
