package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.bootstrap.ComposeAgentRole;
import io.streamspace.agent.bootstrap.DockerSocketProxy;
import io.streamspace.agent.bootstrap.config.ConfigurationResolver;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.CommandState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: in sidecar mode the session agent does its work without a Docker client of its own. Its
 * {@code --docker-host} is a recording proxy in front of the real engine: while sessions start and stop through the
 * compose-agent (which has the real socket), the agent's only engine requests are the watchdog's look at the sidecar
 * container. And a setting that would make the agent use Docker itself is refused.
 */
class SidecarModeDockerAccessE2ETest extends SessionE2E {

    /** What the watchdog may ask: find the sidecar container by name, inspect it, read its logs, restart it. */
    private static final Pattern WATCHDOG_REQUEST = Pattern.compile(
            "(GET /(v[\\d.]+/)?containers/json\\?.*|GET /(v[\\d.]+/)?containers/[0-9a-f]+/(json|logs)(\\?.*)?"
                    + "|POST /(v[\\d.]+/)?containers/[0-9a-f]+/restart(\\?.*)?)");

    @TempDir
    Path dir;
    private ComposeAgentRole.Running sidecar;
    private DockerSocketProxy proxy;

    @AfterEach
    void stopSidecarAndProxy() throws Exception {
        if (sidecar != null) {
            sidecar.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void theAgentDoesItsWorkWithoutTheDockerSocketOnlyTheWatchdogLooksAtTheSidecar() throws Exception {
        Path token = dir.resolve("compose-agent.token");
        Files.writeString(token, "access-token\n");
        sidecar = ComposeAgentRole.start(ComposeAgentRole.resolve(Map.of(Setting.LISTEN, "127.0.0.1:0",
                Setting.ALLOWED_AGENTS, agentId, Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString(),
                Setting.DOCKER_HOST, dockerHost()), Map.of()));
        proxy = DockerSocketProxy.open(Path.of(dockerHost().substring("unix://".length())),
                Path.of("/tmp", "sst-agent-docker-" + hex8() + ".sock"));
        startAgent(Map.of(Setting.COMPOSE_AGENT_ENABLED, "true",
                Setting.COMPOSE_AGENT_URL, "http://127.0.0.1:" + sidecar.port(),
                Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString(),
                Setting.DOCKER_HOST, proxy.uri()));

        String sessionId = sessionId("alice", "vnc-echo");
        assertThat(awaitCompleted(send("start_session", startPayload(sessionId))).status())
                .isEqualTo(CommandState.Status.COMPLETED);
        awaitCompleted(send("hibernate_session", sessionPayload(sessionId)));
        awaitCompleted(send("wake_session", sessionPayload(sessionId)));
        awaitCompleted(send("stop_session", Map.of("sessionId", sessionId, "deletePVC", true)));
        // the watchdog checks the sidecar container right away and then on its interval
        Awaitility.await().atMost(WAIT).until(() -> !proxy.requests().isEmpty());

        assertThat(proxy.requests()).as("the agent's own requests to the engine")
                .allSatisfy(r -> assertThat(r).matches(WATCHDOG_REQUEST));
    }

    @Test
    void theSwarmBackendWhichNeedsTheAgentsOwnDockerSocketIsRefusedInSidecarMode() {
        Map<Setting, String> flags = Map.of(Setting.AGENT_ID, agentId, Setting.CONTROL_PLANE_URL, "ws://127.0.0.1:9",
                Setting.API_KEY, KEY, Setting.COMPOSE_AGENT_ENABLED, "true",
                Setting.COMPOSE_AGENT_TOKEN_FILE, "/dev/null", Setting.ENABLE_HA, "true",
                Setting.LEADER_ELECTION_BACKEND, "swarm");
        assertThatThrownBy(() -> ConfigurationResolver.resolve(flags, Map.of(), null))
                .hasMessageContaining("in sidecar mode only the compose-agent uses Docker");
    }
}
