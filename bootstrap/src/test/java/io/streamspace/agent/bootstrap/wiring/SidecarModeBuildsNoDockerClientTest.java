package io.streamspace.agent.bootstrap.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.bootstrap.config.ConfigurationResolver;
import io.streamspace.agent.bootstrap.config.Setting;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 13: the session agent's Docker client exists in legacy mode only; sidecar mode refuses to build one. */
class SidecarModeBuildsNoDockerClientTest {

    private static AgentConfiguration config(boolean sidecar) throws Exception {
        Map<Setting, String> flags = new HashMap<>(Map.of(Setting.AGENT_ID, "agent-1",
                Setting.CONTROL_PLANE_URL, "ws://127.0.0.1:9", Setting.API_KEY, "a".repeat(64)));
        if (sidecar) {
            flags.put(Setting.COMPOSE_AGENT_ENABLED, "true");
            flags.put(Setting.COMPOSE_AGENT_TOKEN_FILE, "/dev/null");
        }
        return ConfigurationResolver.resolve(flags, Map.of(), null);
    }

    @Test
    void sidecarModeRefusesToBuildTheAgentsDockerClientAndSaysWhereDockerCallsGo() throws Exception {
        assertThatThrownBy(() -> SessionsModule.dockerClients(config(true)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("builds no Docker client")
                .hasMessageContaining("http://127.0.0.1:5002");
    }

    @Test
    void legacyModeBuildsIt() throws Exception {
        try (DockerClients clients = SessionsModule.dockerClients(config(false))) {
            assertThat(clients.dockerHost()).isEqualTo("unix:///var/run/docker.sock");
        }
    }
}
