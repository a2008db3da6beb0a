package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 point 3: what a starting agent reports for session containers a previous agent left behind, on the real
 * engine (Docker, or Podman in the Podman mode).
 */
class SessionReconcileE2ETest extends SessionE2E {

    /** The labels a previous agent of this id gave its session container. */
    private List<String> sessionLabels(String sessionId) {
        return List.of("--label", "streamspace.agent.id=" + agentId, "--label", "streamspace.managed=true",
                "--label", "streamspace.session.id=" + sessionId, "--label", "streamspace.session.vnc-port=5900");
    }

    private String leftBehind(String sessionId, List<String> options, String image, String... command)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", "streamspace-" + sessionId));
        args.addAll(sessionLabels(sessionId));
        args.addAll(options);
        args.add(image);
        args.addAll(List.of(command));
        return dockerOk(args.toArray(String[]::new));
    }

    private ReceivedMessage awaitStatus(String sessionId) {
        return Awaitility.await().atMost(WAIT).until(() -> statusesOf(sessionId), l -> !l.isEmpty()).get(0);
    }

    private void awaitExited(String sessionId) {
        Awaitility.await().atMost(WAIT).until(
                () -> inspectContainer("streamspace-" + sessionId).at("/State/Status").asText(), "exited"::equals);
    }

    private List<ReceivedMessage> vncReadies(String sessionId) {
        return controlPlane.received(agentId).stream()
                .filter(m -> m.isAccepted("vnc_ready") && sessionId.equals(m.payloadText("sessionId"))).toList();
    }

    @Test
    void aContainerThatAppearsAfterTheAgentReconciledIsRemovedOrAdoptedByThePeriodicReconciler() throws Exception {
        startAgent(Map.of(io.streamspace.agent.bootstrap.config.Setting.ORPHAN_GRACE, "1s"));
        agent.awaitLog("DockerAgent", l -> l.startsWith("Reconciled "), WAIT);
        String kept = sessionId("kept", "vnc-echo");
        startSession(kept);

        // A create that a previous agent sent before it died, finished by the engine only now: never started.
        String late = sessionId("late", "vnc-echo");
        List<String> create = new ArrayList<>(List.of("create", "--name", "streamspace-" + late));
        create.addAll(sessionLabels(late));
        create.add(VNC_IMAGE);
        dockerOk(create.toArray(String[]::new));
        // And one that is running (made by hand with the agent's labels): adopted, i.e. reported.
        String adopted = sessionId("adopted", "vnc-echo");
        leftBehind(adopted, List.of("--restart", "unless-stopped"), VNC_IMAGE);

        Awaitility.await().atMost(WAIT).until(() -> inspectContainer("streamspace-" + late) == null);
        ReceivedMessage removed = awaitStatus(late);
        assertThat(removed.payloadText("state")).isEqualTo("failed");
        assertThat(removed.payloadText("message")).contains("appeared after the agent restarted");
        assertThat(awaitStatus(adopted).payloadText("state")).isEqualTo("running");
        assertThat(inspectContainer("streamspace-" + adopted).at("/State/Status").asText()).isEqualTo("running");
        assertThat(inspectContainer("streamspace-" + kept).at("/State/Status").asText()).isEqualTo("running");
        assertThat(statusesOf(kept)).as("a session the agent started is never swept").hasSize(1);
    }

    @Test
    void reconciliationReportsVncReadyAndSendsVncReadyOnlyWhenTheVncPortAnswers() throws Exception {
        String answering = sessionId("vnc", "answers");
        String silent = sessionId("vnc", "silent");
        leftBehind(answering, List.of("--restart", "unless-stopped", "-p", "127.0.0.1::5900"), VNC_IMAGE);
        leftBehind(silent, List.of("--restart", "unless-stopped"), VNC_IMAGE); // VNC port not reachable from the host

        startAgent(Map.of());
        for (int connection = 1; connection <= 2; connection++) {
            int expected = connection;
            Awaitility.await().atMost(WAIT).until(() -> vncReadies(answering).size() == expected
                    && statusesOf(silent).size() == expected);
            ReceivedMessage up = statusesOf(answering).get(connection - 1);
            assertThat(up.payloadText("state")).isEqualTo("running");
            assertThat(up.payload().get("vncReady").asBoolean()).isTrue();
            assertThat(vncReadies(answering).get(connection - 1).payload().get("vncPort").asInt()).isEqualTo(5900);
            ReceivedMessage down = statusesOf(silent).get(connection - 1);
            assertThat(down.payloadText("state")).isEqualTo("running");
            assertThat(down.payload().get("vncReady").asBoolean(true)).isFalse();
            if (connection == 1) {
                controlPlane.dropConnection(agentId); // the reconnect reconciles again
            }
        }
        assertThat(vncReadies(silent)).isEmpty();
        assertThat(statusesOf(silent)).hasSize(2);
    }

    @Test
    void aSessionContainerThatDiedWhileNoAgentRanIsReportedFailedWithItsExitCodeNotHibernated() throws Exception {
        // What a previous agent left: one container crashed on its own (exit 3) and was not restarted (Podman after
        // a reboot without its restart service does not), one the memory limit killed (Docker records the OOM
        // kill; Podman 4 on cgroups v1 does not, see docs/runtimes.md), and one hibernated (stopped, exit 0).
        String crashed = sessionId("crash", "exit-fast");
        String hibernated = sessionId("sleep", "vnc-echo");
        String oom = sessionId("oom", "busybox");
        leftBehind(crashed, List.of("--restart", "no"), EXIT_FAST_IMAGE);
        leftBehind(hibernated, List.of("--restart", "unless-stopped"), VNC_IMAGE);
        dockerOk("stop", "streamspace-" + hibernated);
        if (!podmanMode()) {
            leftBehind(oom, List.of("--restart", "no", "--memory", "16m", "--memory-swap", "16m",
                    "--entrypoint", "tail"), BUSYBOX_IMAGE, "/dev/zero");
            awaitExited(oom);
            // dockerd records the OOM kill from its own event, which may come a moment after the exit
            Awaitility.await().atMost(WAIT).until(
                    () -> inspectContainer("streamspace-" + oom).at("/State/OOMKilled").asBoolean());
        }
        awaitExited(crashed);

        startAgent(Map.of());

        ReceivedMessage crash = awaitStatus(crashed);
        assertThat(crash.payloadText("state")).isEqualTo("failed");
        assertThat(crash.payloadText("message")).contains("exited on its own with code 3");
        assertThat(awaitStatus(hibernated).payloadText("state")).isEqualTo("hibernated");
        if (!podmanMode()) {
            ReceivedMessage killed = awaitStatus(oom);
            assertThat(killed.payloadText("state")).as("engine's view: %s",
                    inspectContainer("streamspace-" + oom).at("/State")).isEqualTo("failed");
            assertThat(killed.payloadText("message")).contains("out of memory");
        }
    }
}
