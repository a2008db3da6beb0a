package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 4 points 6 and 7 with the real agent (wired as in production, in this JVM), the control-plane simulator and
 * the real Docker engine: results kept across an outage, reconciliation after a reconnect and on start-up, crashes
 * seen through Docker events, idle and lifetime limits.
 */
class SessionRecoveryIT {

    private static final String KEY = "b".repeat(32) + "0123456789abcdef0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private String agentId;
    private String network;
    private ControlPlaneSimulator controlPlane;
    private AgentObjects docker;
    private RunningAgent agent;

    @BeforeEach
    void setUp() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        agentId = "docker-recovery-" + suffix;
        network = "ss-recovery-" + suffix;
        controlPlane = ControlPlaneSimulator.builder().port(0).agent(agentId, KEY).start();
        docker = new AgentObjects(agentId);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
        } finally {
            controlPlane.stop();
            docker.cleanup(network);
            docker.close();
        }
    }

    private RunningAgent startAgent(Map<Setting, String> extra) throws Exception {
        Map<Setting, String> flags = new HashMap<>(extra);
        flags.put(Setting.NETWORK, network);
        agent = RunningAgent.start(agentId, controlPlane.webSocketBaseUrl().toString(), KEY, flags);
        controlPlane.awaitConnected(agentId, WAIT);
        return agent;
    }

    private String start(String sessionId, String idle, String max) {
        return controlPlane.sendCommand(agentId, "start_session", AgentObjects.startPayload(sessionId, idle, max));
    }

    private static String sessionOf(ReceivedMessage m) {
        return m.payloadText("sessionId");
    }

    private List<ReceivedMessage> statuses(String sessionId) {
        return controlPlane.sessionStatuses(agentId, sessionId);
    }

    @Test
    void resultsProducedDuringAnOutageAreDeliveredInOrderAfterTheControlPlaneReturns() throws Exception {
        startAgent(Map.of());
        String session = "alice-echo-" + agentId.substring(agentId.length() - 8);
        String commandId = start(session, null, null);
        controlPlane.awaitCommandStatus(commandId, CommandState.Status.ACKED, WAIT);
        controlPlane.stop(); // the start is still in Docker: its status and complete are produced while down
        Awaitility.await().atMost(WAIT).until(() -> !agent.component().link().isConnected());
        Awaitility.await().atMost(WAIT).until(() -> agent.component().link().pendingCount() >= 2);
        assertThat(statuses(session)).as("nothing of the start was sent on the first socket").isEmpty();

        controlPlane.restart();
        controlPlane.awaitCommandStatus(commandId, CommandState.Status.COMPLETED, WAIT);
        controlPlane.awaitSessionState(session, "running", WAIT);

        List<ReceivedMessage> second = controlPlane.received(agentId).stream()
                .filter(m -> m.connectionNumber() == 2).toList();
        List<String> outcome = second.stream()
                .filter(m -> !"heartbeat".equals(m.type()))
                .map(m -> m.type() + ":" + (m.payloadText("sessionId") != null ? m.payloadText("sessionId") + ":"
                        + m.payloadText("state") : m.payloadText("commandId")))
                .toList();
        assertThat(second.get(0).type()).as("the first message of a socket is a heartbeat").isEqualTo("heartbeat");
        assertThat(outcome).as("kept results first, in order, then the reconciliation; nothing else")
                .startsWith("status:" + session + ":running", "complete:" + commandId)
                .allMatch(o -> o.equals("status:" + session + ":running") || o.equals("complete:" + commandId));
        assertThat(second).allMatch(ReceivedMessage::accepted);
        // the outbox drops a batch after its last send returns, which may be after the control plane has read it
        Awaitility.await().atMost(WAIT).until(() -> agent.component().link().pendingCount() == 0);
        assertThat(docker.containersBySession().get(session)).hasSize(1);
    }

    @Test
    void aCrashDuringAnOutageIsReportedAfterTheReconnect() throws Exception {
        startAgent(Map.of());
        String session = "bob-echo-" + agentId.substring(agentId.length() - 8);
        controlPlane.awaitCommandStatus(start(session, null, null), CommandState.Status.COMPLETED, WAIT);
        controlPlane.stop();
        Awaitility.await().atMost(WAIT).until(() -> !agent.component().link().isConnected());
        docker.kill("streamspace-" + session);
        Awaitility.await().atMost(WAIT).until(() -> agent.component().link().pendingCount() >= 1);

        controlPlane.restart();
        ReceivedMessage failed = controlPlane.awaitMessage(agentId, m -> m.isAccepted("status")
                && session.equals(sessionOf(m)) && "failed".equals(m.payloadText("state")), WAIT);
        assertThat(failed.connectionNumber()).isEqualTo(2);
        assertThat(failed.payloadText("message")).contains("137");
        controlPlane.awaitSessionState(session, "failed", WAIT);
    }

    @Test
    void afterAReconnectAndOnStartUpEveryManagedSessionIsReported() throws Exception {
        startAgent(Map.of());
        String suffix = agentId.substring(agentId.length() - 8);
        List<String> sessions = List.of("carol-echo-" + suffix, "dave-echo-" + suffix);
        List<String> commands = sessions.stream().map(s -> start(s, null, null)).toList();
        for (String c : commands) {
            controlPlane.awaitCommandStatus(c, CommandState.Status.COMPLETED, WAIT);
        }

        controlPlane.dropConnection(agentId);
        for (String s : sessions) {
            ReceivedMessage status = controlPlane.awaitMessage(agentId, m -> m.isAccepted("status")
                    && s.equals(sessionOf(m)) && m.connectionNumber() == 2, WAIT);
            assertThat(status.payloadText("state")).isEqualTo("running");
            assertThat(status.payload().get("vncPort").asInt()).isEqualTo(5900);
            assertThat(status.payload().get("platformMetadata").get("podName").asText()).isEqualTo("streamspace-" + s);
        }

        // A new agent process (same agent id, new outbox) finds the containers and reports them on its first socket.
        agent.close();
        agent = null;
        controlPlane.awaitDisconnected(agentId, WAIT);
        int before = controlPlane.connectionCount(agentId);
        startAgent(Map.of());
        for (String s : sessions) {
            ReceivedMessage status = controlPlane.awaitMessage(agentId, m -> m.isAccepted("status")
                    && s.equals(sessionOf(m)) && m.connectionNumber() == before + 1, WAIT);
            assertThat(status.payloadText("state")).isEqualTo("running");
        }
        assertThat(docker.containersBySession()).containsOnlyKeys(sessions).allSatisfy((s, cs) -> assertThat(cs).hasSize(1));
    }

    @Test
    void aSessionContainerKilledBehindTheAgentsBackIsReportedFailedButTheAgentsOwnStopIsNot() throws Exception {
        startAgent(Map.of());
        String suffix = agentId.substring(agentId.length() - 8);
        String killed = "erin-echo-" + suffix;
        String stopped = "frank-echo-" + suffix;
        controlPlane.awaitCommandStatus(start(killed, null, null), CommandState.Status.COMPLETED, WAIT);
        controlPlane.awaitCommandStatus(start(stopped, null, null), CommandState.Status.COMPLETED, WAIT);

        String stop = controlPlane.sendCommand(agentId, "stop_session", Map.of("sessionId", stopped));
        controlPlane.awaitCommandStatus(stop, CommandState.Status.COMPLETED, WAIT);
        controlPlane.awaitSessionState(stopped, "terminated", WAIT);

        docker.kill("streamspace-" + killed);
        ReceivedMessage failed = controlPlane.awaitMessage(agentId, m -> m.isAccepted("status")
                && killed.equals(sessionOf(m)) && "failed".equals(m.payloadText("state")), WAIT);
        assertThat(failed.payloadText("message")).contains("exited on its own with code 137");
        // Docker events arrive in order: the kill's die was handled, so the stop's die and destroy were too.
        assertThat(statuses(stopped)).extracting(m -> m.payloadText("state")).containsExactly("running", "terminated");
        assertThat(statuses(killed)).extracting(m -> m.payloadText("state")).containsExactly("running", "failed");
    }

    @Test
    void idleSessionsHibernateAndSessionsOlderThanTheirMaximumAreStopped() throws Exception {
        startAgent(Map.of(Setting.SESSION_CHECK_INTERVAL, "100ms"));
        String suffix = agentId.substring(agentId.length() - 8);
        String idle = "gina-echo-" + suffix;
        String old = "hank-echo-" + suffix;
        controlPlane.awaitCommandStatus(start(idle, "2s", null), CommandState.Status.COMPLETED, WAIT);
        controlPlane.awaitCommandStatus(start(old, null, "3s"), CommandState.Status.COMPLETED, WAIT);

        controlPlane.awaitSessionState(idle, "hibernated", Duration.ofSeconds(15));
        controlPlane.awaitSessionState(old, "terminated", Duration.ofSeconds(15));
        assertThat(statuses(idle)).extracting(m -> m.payloadText("state")).containsExactly("running", "hibernated");
        assertThat(statuses(idle).get(1).payloadText("message")).contains("idle for 2s");
        assertThat(statuses(old)).extracting(m -> m.payloadText("state")).containsExactly("running", "terminated");
        assertThat(statuses(old).get(1).payloadText("message")).contains("maxSessionDuration 3s reached");
        Awaitility.await().atMost(WAIT).until(() -> !docker.containersBySession().containsKey(old));
        assertThat(docker.containersBySession().get(idle)).singleElement()
                .satisfies(c -> assertThat(c.getState()).isEqualTo("exited"));
    }
}
