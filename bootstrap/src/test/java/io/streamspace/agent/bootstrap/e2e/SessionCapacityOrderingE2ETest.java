package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 4 points 4 and 5: capacity is enforced before Docker is touched; per-session ordering; bounded starts. */
class SessionCapacityOrderingE2ETest extends SessionE2E {

    @Test
    void aStartBeyondMaxSessionsFailsWithTheNumbersAndTheHeartbeatCountsRunningSessions() throws Exception {
        startAgent(Map.of(Setting.MAX_SESSIONS, "2"));
        String first = sessionId("erin", "vnc-echo");
        String second = sessionId("erin", "vnc-echo");
        String third = sessionId("erin", "vnc-echo");
        startSession(first);
        startSession(second);

        String refused = send("start_session", startPayload(third));
        CommandState failed = awaitFailed(refused);
        assertThat(failed.error()).contains("capacity exceeded").contains("2 of 2 sessions");
        assertThat(conversation(refused, third)).containsExactly("ack", "status:failed", "failed");
        assertThat(inspectContainer("streamspace-" + third)).isNull();
        assertThat(volumeExists("streamspace-" + third + "-home")).isFalse();
        assertThat(containersOfAgent()).containsExactlyInAnyOrder("streamspace-" + first, "streamspace-" + second);
        assertThat(agent.logLines("DockerAgent")).noneMatch(l -> l.contains("Creating container streamspace-" + third));

        ReceivedMessage beat = controlPlane.awaitMessage(agentId, m -> m.isAccepted("heartbeat")
                && m.receivedAt().isAfter(failed.updatedAt()), WAIT);
        assertThat(beat.payload().get("activeSessions").isInt()).isTrue();
        assertThat(beat.payload().get("activeSessions").asInt()).isEqualTo(2);
        assertThat(beat.payload().at("/capacity/maxSessions").asInt()).isEqualTo(2);

        // a hibernated (stopped) session holds no capacity: the third now fits, and the heartbeat follows
        awaitCompleted(send("hibernate_session", sessionPayload(first)));
        awaitCompleted(send("start_session", startPayload(third)));
        String woken = send("wake_session", sessionPayload(first));
        assertThat(awaitFailed(woken).error()).contains("2 of 2 sessions");
        assertThat(inspectContainer("streamspace-" + first).at("/State/Status").asText()).isEqualTo("exited");
        ReceivedMessage later = controlPlane.awaitMessage(agentId, m -> m.isAccepted("heartbeat")
                && m.receivedAt().isAfter(controlPlane.commandState(woken).updatedAt()), WAIT);
        assertThat(later.payload().get("activeSessions").asInt()).isEqualTo(2);
    }

    @Test
    void parallelStartsRacingForTheLastSlotsAreAdmittedExactlyUpToMaxSessions() throws Exception {
        startAgent(Map.of(Setting.MAX_SESSIONS, "2", Setting.MAX_PARALLEL_STARTS, "4"));
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            commands.add(send("start_session", startPayload(sessionId("race" + i, "vnc-echo"))));
        }
        int completed = 0;
        for (String commandId : commands) {
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
                CommandState.Status s = controlPlane.commandState(commandId).status();
                return s == CommandState.Status.COMPLETED || s == CommandState.Status.FAILED;
            });
            CommandState state = controlPlane.commandState(commandId);
            if (state.status() == CommandState.Status.COMPLETED) {
                completed++;
            } else {
                assertThat(state.error()).contains("2 of 2 sessions");
            }
        }
        assertThat(completed).isEqualTo(2);
        assertThat(containersOfAgent()).hasSize(2);
    }

    @Test
    void cpuAndMemoryLimitsAreEnforcedWithTheNumbersInTheReason() throws Exception {
        startAgent(Map.of(Setting.MAX_CPU, "1", Setting.MAX_MEMORY, "1"));
        String first = sessionId("frank", "vnc-echo");
        awaitCompleted(send("start_session", with(startPayload(first), "cpu", "750m")));

        String cpuHog = sessionId("frank", "vnc-echo");
        String cpu = send("start_session", with(startPayload(cpuHog), "cpu", "500m"));
        assertThat(awaitFailed(cpu).error()).contains("capacity exceeded").contains("0.5").contains("0.25")
                .contains("of 1");
        assertThat(inspectContainer("streamspace-" + cpuHog)).isNull();

        String memoryHog = sessionId("frank", "vnc-echo");
        String memory = send("start_session", with(with(startPayload(memoryHog), "cpu", "100m"), "memory", "1Gi"));
        assertThat(awaitFailed(memory).error()).contains("capacity exceeded").contains("memory").contains("1Gi");
        assertThat(inspectContainer("streamspace-" + memoryHog)).isNull();
        assertThat(containersOfAgent()).containsExactly("streamspace-" + first);
    }

    @Test
    void aStopSentRightAfterItsStartWaitsForTheStartAndWins() throws Exception {
        startAgent(Map.of());
        String sessionId = sessionId("gina", "vnc-echo");
        String start = send("start_session", startPayload(sessionId));
        String stop = send("stop_session", sessionPayload(sessionId));

        awaitCompleted(stop);
        assertThat(controlPlane.commandState(start).status()).isEqualTo(CommandState.Status.COMPLETED);
        assertThat(inspectContainer("streamspace-" + sessionId)).isNull();
        assertThat(controlPlane.sessionState(sessionId).state()).isEqualTo("terminated");
        assertThat(controlPlane.sessionState(sessionId).history()).containsExactly("running", "terminated");
        List<String> order = new ArrayList<>();
        for (ReceivedMessage m : controlPlane.received(agentId)) {
            String id = m.payloadText("commandId");
            if (start.equals(id)) {
                order.add("start:" + m.type());
            } else if (stop.equals(id)) {
                order.add("stop:" + m.type());
            } else if ("status".equals(m.type()) && sessionId.equals(m.payloadText("sessionId"))) {
                order.add("status:" + m.payloadText("state"));
            }
        }
        assertThat(order).containsExactly("start:ack", "stop:ack", "status:running", "start:complete",
                "status:terminated", "stop:complete");
        assertThat(containersOfAgent()).isEmpty();
    }

    @Test
    void aDuplicateStartOfARunningSessionDoesNotCreateASecondContainer() throws Exception {
        startAgent(Map.of());
        String sessionId = sessionId("hank", "vnc-echo");
        String name = "streamspace-" + sessionId;
        // two starts in one frame, as a CP retry could produce
        String one = "cmd-dup-1-" + hex8();
        String two = "cmd-dup-2-" + hex8();
        controlPlane.sendCommand(agentId, one, "start_session", startPayload(sessionId));
        controlPlane.sendCommand(agentId, two, "start_session", startPayload(sessionId));
        awaitCompleted(one);
        CommandState second = awaitCompleted(two);
        String containerId = inspectContainer(name).at("/Id").asText();
        assertThat(second.result().get("containerId").asText()).isEqualTo(containerId);
        assertThat(repliesTo(two)).containsExactly("ack", "complete");

        String three = send("start_session", startPayload(sessionId));
        awaitCompleted(three);
        assertThat(conversation(three, sessionId)).containsExactly("ack", "status:running", "complete");
        assertThat(controlPlane.sessionState(sessionId).history()).containsExactly("running", "running", "running");
        assertThat(containersOfAgent()).containsExactly(name);
        assertThat(inspectContainer(name).at("/Id").asText()).isEqualTo(containerId);
        assertThat(inspectContainer(name).at("/RestartCount").asInt()).isZero();
    }

    @Test
    void manyStartsInParallelAllSucceedWithAtMostTheConfiguredNumberInFlight() throws Exception {
        startAgent(Map.of(Setting.MAX_PARALLEL_STARTS, "2"));
        List<String> sessions = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String sessionId = sessionId("ivy" + i, "vnc-echo");
            sessions.add(sessionId);
        }
        for (String sessionId : sessions) {
            commands.add(send("start_session", startPayload(sessionId)));
        }
        for (String commandId : commands) {
            awaitCompleted(commandId);
        }
        assertThat(containersOfAgent()).containsExactlyInAnyOrderElementsOf(
                sessions.stream().map(s -> "streamspace-" + s).toList());
        for (String sessionId : sessions) {
            assertThat(controlPlane.sessionState(sessionId).state()).isEqualTo("running");
            assertThat(inspectContainer("streamspace-" + sessionId).at("/State/Status").asText()).isEqualTo("running");
        }
        // between "Creating container" and "Started container" a start holds its permit (ADR 0018: the wait for it
        // to stay running and for VNC does not): never more than 2 at once
        int inFlight = 0;
        int most = 0;
        Set<String> seen = new HashSet<>();
        for (String line : agent.logLines("DockerAgent")) {
            if (line.startsWith("Creating container streamspace-")) {
                inFlight++;
                seen.add(line);
            } else if (line.startsWith("Started container streamspace-")) {
                inFlight--;
            }
            most = Math.max(most, inFlight);
        }
        assertThat(seen).hasSize(5);
        assertThat(most).isBetween(1, 2);
    }
}
