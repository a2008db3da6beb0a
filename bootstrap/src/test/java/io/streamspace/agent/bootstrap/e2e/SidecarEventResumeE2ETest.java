package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.ComposeAgentRole;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the agent's container-event watch through the compose-agent resumes from the last event it saw when the
 * sidecar comes back, so what happened to a session while the sidecar was away is still reported (real engine,
 * real sidecar stopped and started again on the same address).
 */
class SidecarEventResumeE2ETest extends SessionE2E {

    @TempDir
    Path dir;
    private ComposeAgentRole.Running sidecar;

    @AfterEach
    void stopSidecar() {
        if (sidecar != null) {
            sidecar.close();
        }
    }

    private ComposeAgentRole.Running startSidecar(String listen, Path token) throws Exception {
        return ComposeAgentRole.start(ComposeAgentRole.resolve(Map.of(Setting.LISTEN, listen,
                Setting.ALLOWED_AGENTS, agentId, Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString(),
                Setting.DOCKER_HOST, dockerHost()), Map.of()));
    }

    @Test
    void aSessionThatDiesWhileTheSidecarIsDownIsReportedFailedOnceTheSidecarIsBack() throws Exception {
        Path token = dir.resolve("compose-agent.token");
        Files.writeString(token, "resume-token\n");
        sidecar = startSidecar("127.0.0.1:0", token);
        int port = sidecar.port();
        startAgent(Map.of(Setting.COMPOSE_AGENT_ENABLED, "true",
                Setting.COMPOSE_AGENT_URL, "http://127.0.0.1:" + port,
                Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString()));
        String sessionId = sessionId("alice", "vnc-echo");
        startSession(sessionId);
        // events the watch delivers before the sidecar goes away (seen in the statuses they cause), so it has a
        // point to resume from: a restart outside the agent is reported failed, then running again
        dockerOk("restart", "streamspace-" + sessionId);
        Awaitility.await().atMost(WAIT).until(() -> statusesOf(sessionId).stream()
                .filter(m -> "running".equals(m.payloadText("state"))).count() == 2);

        sidecar.close(); // the sidecar restarts: nobody follows the engine's events for a while
        sidecar = null;
        dockerOk("kill", "streamspace-" + sessionId);
        Awaitility.await().atMost(WAIT).until(
                () -> inspectContainer("streamspace-" + sessionId).at("/State/Status").asText(), "exited"::equals);
        sidecar = startSidecar("127.0.0.1:" + port, token);

        ReceivedMessage failed = Awaitility.await().atMost(WAIT).until(() -> statusesOf(sessionId).stream()
                .filter(m -> "failed".equals(m.payloadText("state"))
                        && m.payloadText("message").contains("code 137")).findFirst().orElse(null), m -> m != null);
        assertThat(failed.payloadText("message")).contains("exited on its own with code 137");
        assertThat(agent.logLines(io.streamspace.agent.adapter.http.sidecar.RemoteSessionRuntime.class.getName()))
                .anySatisfy(l -> assertThat(l)
                .startsWith("Container-event watch reopened on the compose-agent sidecar from the last event seen"));
    }
}
