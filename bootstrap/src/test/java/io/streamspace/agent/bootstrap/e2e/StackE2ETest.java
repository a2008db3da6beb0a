package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.DockerAgentMain;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compose stacks through the control plane's extension actions and through {@code docker-agent stack}. */
class StackE2ETest {

    private static final String KEY = "9".repeat(64);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String COMPOSE = """
            services:
              web:
                image: streamspace-test/busybox:latest
                command: ["sh", "-c", "trap 'exit 0' TERM; echo hello $${WHO}; sleep 300 & wait"]
                environment:
                  WHO: ${WHO:-world}
              worker:
                image: streamspace-test/busybox:latest
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
                depends_on: [web]
            """;

    @TempDir
    Path dir;

    @Test
    void deployStatusAndRemoveAStackThroughTheControlPlane() throws Exception {
        String project = "e2e-stack-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String agentId = "e2e-stack-agent";
        try (ControlPlaneSimulator controlPlane = ControlPlaneSimulator.builder().port(0).agent(agentId, KEY).start();
             RunningAgent agent = RunningAgent.start(agentId, controlPlane.webSocketBaseUrl().toString(), KEY,
                     Map.of())) {
            controlPlane.awaitConnected(agentId, WAIT);
            String deploy = controlPlane.sendCommand(agentId, "deploy_stack",
                    Map.of("project", project, "compose", COMPOSE, "env", Map.of("WHO", "operator")));
            CommandState deployed = controlPlane.awaitCommandStatus(deploy, CommandState.Status.COMPLETED, WAIT);
            assertThat(deployed.result().get("created").toString()).contains("web", "worker");
            String status = controlPlane.sendCommand(agentId, "stack_status", Map.of("project", project));
            CommandState listed = controlPlane.awaitCommandStatus(status, CommandState.Status.COMPLETED, WAIT);
            assertThat(listed.result().get("running").asInt()).isEqualTo(2);
            String bad = controlPlane.sendCommand(agentId, "deploy_stack",
                    Map.of("project", project + "-bad", "compose", "services: {web: {image: x, build: .}}"));
            assertThat(controlPlane.awaitCommandStatus(bad, CommandState.Status.FAILED, WAIT).error())
                    .contains("services.web.build");
            String remove = controlPlane.sendCommand(agentId, "remove_stack", Map.of("project", project));
            CommandState removed = controlPlane.awaitCommandStatus(remove, CommandState.Status.COMPLETED, WAIT);
            assertThat(removed.result().toString()).contains(project + "-web-1", project + "-worker-1");
        }
    }

    @Test
    void theStackCommandLineBringsAStackUpListsItAndTakesItDown() throws Exception {
        String project = "e2e-cli-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path file = Files.writeString(dir.resolve("compose.yml"), COMPOSE);
        Files.writeString(dir.resolve(".env"), "WHO=dotenv\n");
        assertThat(run("stack", "up", "-f", file.toString(), "-p", project)).contains("created [web, worker]");
        assertThat(run("stack", "up", "-f", file.toString(), "-p", project)).contains("unchanged [web, worker]");
        assertThat(run("stack", "ps", "-p", project)).contains(project + "-web-1", project + "-worker-1", "running");
        assertThat(run("stack", "down", "-p", project)).contains("removed containers");
        assertThat(run("stack", "ps", "-p", project)).doesNotContain(project + "-web-1");
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new DockerAgentMain(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
