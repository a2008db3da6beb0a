package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.ComposeAgentRole;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.CommandState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 points 1 and 2 end to end: the session agent in sidecar mode ({@code COMPOSE_AGENT_ENABLED=true}) and the
 * compose-agent role in the same JVM, the control-plane simulator and the real Docker engine. Every Docker
 * operation of the agent goes through the signed local API; the token is a file both read, rotated mid-test.
 */
class SidecarModeE2ETest extends SessionE2E {

    private static final String COMPOSE = """
            services:
              web:
                image: streamspace-test/busybox:latest
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
              worker:
                image: streamspace-test/busybox:latest
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
                depends_on: [web]
            """;

    @TempDir
    Path dir;
    private ComposeAgentRole.Running sidecar;
    private String project;

    @AfterEach
    void stopSidecar() throws Exception {
        if (sidecar != null) {
            sidecar.close();
        }
        if (project != null) {
            // a stack left behind by a failed assertion: its containers and networks carry the project label
            String label = "label=com.docker.compose.project=" + project;
            for (String id : lines(dockerOk("ps", "-aq", "--filter", label))) {
                docker("rm", "-f", id);
            }
            for (String id : lines(dockerOk("network", "ls", "-q", "--filter", label))) {
                docker("network", "rm", id);
            }
        }
    }

    @Test
    void startAndStopSessionGoThroughTheSidecarAndSurviveATokenRotation() throws Exception {
        Path token = dir.resolve("compose-agent.token");
        Files.writeString(token, "first-token\n");
        sidecar = ComposeAgentRole.start(ComposeAgentRole.resolve(Map.of(
                Setting.LISTEN, "127.0.0.1:0",
                Setting.ALLOWED_AGENTS, agentId,
                Setting.STATUS_PORT, "0",
                Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString()), Map.of()));
        startAgent(Map.of(
                Setting.COMPOSE_AGENT_ENABLED, "true",
                Setting.COMPOSE_AGENT_URL, "http://127.0.0.1:" + sidecar.port(),
                Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString()));

        String sessionId = sessionId("alice", "vnc-echo");
        CommandState started = awaitCompleted(send("start_session", startPayload(sessionId)));
        assertThat(started.status()).isEqualTo(CommandState.Status.COMPLETED);
        assertThat(inspectContainer("streamspace-" + sessionId).at("/State/Status").asText()).isEqualTo("running");

        // the sidecar counts what it executed under its own plane and serves it like the agent does
        var diagnostics = JSON.readTree(java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + sidecar.statusPort().getAsInt() + "/api/v1/diagnostics/commands")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        assertThat(diagnostics.get("compose_agent_count").asInt()).isPositive();
        assertThat(diagnostics.get("last_control_plane").asText()).isEqualTo("compose_agent");
        assertThat(diagnostics.at("/by_action/create_and_start/success").asInt()).isEqualTo(1);

        Files.writeString(token, "second-token\n"); // rotated: neither process restarts

        String stop = send("stop_session", Map.of("sessionId", sessionId, "deletePVC", true));
        awaitCompleted(stop);
        assertThat(conversation(stop, sessionId)).containsExactly("ack", "status:terminated", "complete");
        assertThat(inspectContainer("streamspace-" + sessionId)).isNull();
        assertThat(volumesOfAgent()).isEmpty();

        // proof that the agent does not use Docker itself: without the sidecar a start fails, naming it
        sidecar.close();
        sidecar = null;
        String second = sessionId("alice", "vnc-echo");
        CommandState failed = awaitFailed(send("start_session", startPayload(second)));
        assertThat(failed.error()).contains("compose-agent sidecar");
        assertThat(inspectContainer("streamspace-" + second)).isNull();
    }

    @Test
    void theWatchdogRunsInSidecarModeAndRestartsACrashedSidecar() throws Exception {
        Path token = dir.resolve("compose-agent.token");
        Files.writeString(token, "watchdog-token\n");
        String sidecarName = "watchdog-target-" + hex8();
        // a stand-in sidecar that exits at once, labelled as this agent's so the cleanup removes it
        dockerOk("run", "-d", "--name", sidecarName, "--label", "streamspace.agent.id=" + agentId,
                "streamspace-test/sidecar-crash:latest");
        String startedAt = dockerOk("inspect", "-f", "{{.State.StartedAt}}", sidecarName).strip();
        startAgent(Map.of(
                Setting.COMPOSE_AGENT_ENABLED, "true",
                Setting.COMPOSE_AGENT_URL, "http://127.0.0.1:1",
                Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString(),
                Setting.SIDECAR_CONTAINER, sidecarName));
        // the seed's first restart comes 10 s after the first unhealthy check
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(40))
                .until(() -> !dockerOk("inspect", "-f", "{{.State.StartedAt}}", sidecarName).strip().equals(startedAt));
        assertThat(agent.logLines("Watchdog")).anySatisfy(l -> assertThat(l).containsIgnoringCase("restart"));
        // the status API shows the watchdog's view of the sidecar (the restart is counted once it has been made)
        int statusPort = agent.component().statusApi().port().orElseThrow();
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var request = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + statusPort + "/health")).build();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
                var sidecarHealth = JSON.readTree(http.send(request,
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body()).get("sidecar");
                assertThat(sidecarHealth.get("container").asText()).isEqualTo(sidecarName);
                assertThat(sidecarHealth.get("restart_attempts").asInt()).isPositive();
                assertThat(sidecarHealth.get("max_restart_attempts").asInt()).isEqualTo(5);
                assertThat(sidecarHealth.get("last_restart").isTextual()).isTrue();
            });
        }
    }

    @Test
    void stacksAreDeployedListedAndRemovedThroughTheSidecar() throws Exception {
        Path token = dir.resolve("compose-agent.token");
        Files.writeString(token, "stack-token\n");
        project = "e2e-sidecar-stack-" + hex8();
        sidecar = ComposeAgentRole.start(ComposeAgentRole.resolve(Map.of(
                Setting.LISTEN, "127.0.0.1:0",
                Setting.ALLOWED_AGENTS, agentId + "=sessions:read|sessions:write|stacks:write",
                Setting.STATUS_PORT, "0",
                Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString()), Map.of()));
        startAgent(Map.of(
                Setting.COMPOSE_AGENT_ENABLED, "true",
                Setting.COMPOSE_AGENT_URL, "http://127.0.0.1:" + sidecar.port(),
                Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString()));

        CommandState deployed = awaitCompleted(send("deploy_stack", Map.of("project", project, "compose", COMPOSE)));
        assertThat(deployed.result().get("created").toString()).contains("web", "worker");
        assertThat(inspectContainer(project + "-web-1").at("/State/Status").asText()).isEqualTo("running");
        assertThat(inspectContainer(project + "-worker-1").at("/State/Status").asText()).isEqualTo("running");

        CommandState status = awaitCompleted(send("stack_status", Map.of("project", project)));
        assertThat(status.result().get("running").asInt()).isEqualTo(2);

        // the sidecar, not the agent, carried out the deploy: it counts it under its own plane
        assertThat(sidecar.metrics().snapshot().byAction().get("stack_up").success()).isEqualTo(1);

        CommandState removed = awaitCompleted(send("remove_stack", Map.of("project", project)));
        assertThat(removed.result().toString()).contains(project + "-web-1", project + "-worker-1");
        assertThat(inspectContainer(project + "-web-1")).isNull();
        assertThat(inspectContainer(project + "-worker-1")).isNull();
        assertThat(sidecar.metrics().snapshot().byAction().get("stack_down").success()).isEqualTo(1);
    }
}
