package io.streamspace.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sidecar mode is refused up front, as a configuration error, while the sidecar does not exist. */
class SidecarModeRefusedTest {

    @Test
    void composeAgentEnabledExitsWithAConfigurationErrorSayingWhy() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("AGENT_ID", "docker-sidecar-1", "CONTROL_PLANE_URL", "ws://127.0.0.1:9",
                "API_KEY", "0123456789abcdef".repeat(4), "COMPOSE_AGENT_ENABLED", "true");
        int code = new DockerAgentMain(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(new String[] {"run", "--status-port", "0"});
        assertThat(code).isEqualTo(DockerAgentMain.EXIT_CONFIGURATION);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("configuration error: --compose-agent-enabled"
                + " (COMPOSE_AGENT_ENABLED) is true, but the compose-agent sidecar is not available in this version");
    }
}
