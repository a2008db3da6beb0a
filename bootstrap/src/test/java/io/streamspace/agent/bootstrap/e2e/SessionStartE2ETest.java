package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 4 point 1: start_session makes the real container exactly as specified; failures leave nothing behind. */
class SessionStartE2ETest extends SessionE2E {

    /** Issue 13: the engine behind the Docker API is detected at start, logged once and shown by /capabilities. */
    @Test
    void theAgentNamesTheEngineItRunsOnOnceInItsLogAndInCapabilities() throws Exception {
        startAgent(Map.of());
        String expected = podmanMode() ? "podman" : "docker";
        String where = sidecarMode() ? " at the compose-agent " : " at " + dockerHost();
        String prefix = podmanMode() ? "Podman " : "Docker engine ";
        agent.awaitLog("DockerAgent", l -> l.startsWith(prefix) && l.contains(where), WAIT);
        assertThat(agent.logLines("DockerAgent")).filteredOn(l -> l.startsWith(prefix) && l.contains(where))
                .hasSize(1);

        int port = agent.component().statusApi().port().orElseThrow();
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            String body = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/capabilities")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(JSON.readTree(body).path("runtime").asText()).isEqualTo(expected);
        }
    }

    @Test
    void startsTheSessionContainerAsSpecifiedAndReportsAckStatusRunningComplete() throws Exception {
        startAgent(Map.of());
        String sessionId = sessionId("alice", "vnc-echo");
        String name = "streamspace-" + sessionId;
        String commandId = send("start_session", startPayload(sessionId));

        CommandState done = awaitCompleted(commandId);
        assertThat(done.history()).containsExactly(CommandState.Status.PENDING, CommandState.Status.ACKED,
                CommandState.Status.COMPLETED);
        assertThat(conversation(commandId, sessionId)).containsExactly("ack", "status:running", "complete");

        ReceivedMessage running = statusesOf(sessionId).get(0);
        JsonNode status = running.payload();
        assertThat(status.get("state").asText()).isEqualTo("running");
        assertThat(status.get("vncReady").asBoolean()).isTrue();
        assertThat(status.get("vncPort").asInt()).isEqualTo(5900);
        JsonNode metadata = status.get("platformMetadata");
        assertThat(metadata.get("podName").asText()).isEqualTo(name);
        assertThat(controlPlane.sessionState(sessionId).state()).isEqualTo("running");

        JsonNode c = inspectContainer(name);
        assertThat(c).as("container %s", name).isNotNull();
        assertThat(c.at("/State/Status").asText()).isEqualTo("running");
        assertThat(c.at("/Name").asText()).isEqualTo("/" + name);
        assertThat(metadata.get("podIP").asText()).isNotBlank()
                .isEqualTo(c.at("/NetworkSettings/Networks/" + network + "/IPAddress").asText());
        assertThat(done.result().get("containerId").asText()).isEqualTo(c.at("/Id").asText());
        assertThat(done.result().get("vncPort").asInt()).isEqualTo(5900);

        JsonNode labels = c.at("/Config/Labels");
        assertThat(labels.get("streamspace.agent.id").asText()).isEqualTo(agentId);
        assertThat(labels.get("streamspace.managed").asText()).isEqualTo("true");
        assertThat(labels.get("streamspace.session.id").asText()).isEqualTo(sessionId);
        assertThat(labels.get("streamspace.session.user").asText()).isEqualTo("alice");
        assertThat(labels.get("streamspace.session.template").asText()).isEqualTo("vnc-echo");

        List<String> env = new ArrayList<>();
        c.at("/Config/Env").forEach(e -> env.add(e.asText()));
        assertThat(env).contains("USER=alice", "SESSION_ID=" + sessionId, "GREETING=hello", "EMPTY=");

        JsonNode host = c.at("/HostConfig");
        assertThat(host.get("Memory").asLong()).isEqualTo(64L * 1024 * 1024);
        assertThat(host.get("NanoCpus").asLong()).isEqualTo(250_000_000L);
        assertThat(host.get("SecurityOpt").toString()).contains("no-new-privileges");
        assertThat(host.get("PidsLimit").asLong()).isEqualTo(512);
        assertThat(host.at("/RestartPolicy/Name").asText()).isEqualTo("unless-stopped");
        // Podman's compat API reports NetworkMode "bridge" for every bridge network; the attachment below is what counts.
        assertThat(host.get("NetworkMode").asText()).isEqualTo(podmanMode() ? "bridge" : network);
        assertThat(c.at("/NetworkSettings/Networks").has(network)).isTrue();

        JsonNode bindings = c.at("/NetworkSettings/Ports/5900~1tcp");
        assertThat(bindings.isArray()).as("5900/tcp published: %s", c.at("/NetworkSettings/Ports")).isTrue();
        for (JsonNode b : bindings) {
            assertThat(b.get("HostIp").asText()).isEqualTo("127.0.0.1");
        }
        int hostPort = bindings.get(0).get("HostPort").asInt();
        assertThat(hostPort).isPositive().isNotEqualTo(5900);
        // a random host port was asked for; Podman writes the one it picked back into HostConfig
        assertThat(host.at("/PortBindings/5900~1tcp/0/HostPort").asText())
                .isIn(podmanMode() ? List.of(String.valueOf(hostPort)) : List.of("", "0"));
        assertThat(metadata.get("vncHostPort").asInt()).isEqualTo(hostPort);

        Map<String, String> mounts = new java.util.HashMap<>();
        for (JsonNode m : c.at("/Mounts")) {
            assertThat(m.get("Type").asText()).isEqualTo("volume");
            mounts.put(m.get("Destination").asText(), m.get("Name").asText());
        }
        assertThat(mounts).containsEntry("/config", "streamspace-" + sessionId + "-home")
                .containsEntry("/data", "streamspace-" + sessionId + "-data").hasSize(2);
        for (String volume : mounts.values()) {
            JsonNode v = JSON.readTree(dockerOk("volume", "inspect", volume)).get(0);
            assertThat(v.at("/Labels/streamspace.agent.id").asText()).isEqualTo(agentId);
            assertThat(v.at("/Labels/streamspace.session.id").asText()).isEqualTo(sessionId);
        }
        JsonNode net = JSON.readTree(dockerOk("network", "inspect", network)).get(0);
        assertThat(net.at("/Labels/streamspace.agent.id").asText()).isEqualTo(agentId);

        // the published VNC port really reaches the container (vnc-echo echoes)
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", hostPort)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("ping\n".getBytes());
            socket.getOutputStream().flush();
            byte[] buf = new byte[5];
            int n = socket.getInputStream().readNBytes(buf, 0, 5);
            assertThat(new String(buf, 0, n)).isEqualTo("ping\n");
        }
    }

    @Test
    void anUnparsableMemoryQuantityFailsWithTheReasonAndCreatesNothing() throws Exception {
        startAgent(Map.of());
        String sessionId = sessionId("alice", "vnc-echo");
        String commandId = send("start_session", with(startPayload(sessionId), "memory", "2GB"));

        CommandState failed = awaitFailed(commandId);
        assertThat(failed.error()).contains("2GB");
        assertThat(conversation(commandId, sessionId)).containsExactly("ack", "status:failed", "failed");
        assertThat(controlPlane.sessionState(sessionId).state()).isEqualTo("failed");
        assertNothingLeftFor(sessionId);
    }

    @Test
    void anImageThatDoesNotExistFailsNamingTheImageAndLeavesNothingBehind() throws Exception {
        startAgent(Map.of());
        String sessionId = sessionId("alice", "ghost");
        String image = "streamspace-test/does-not-exist-" + hex8() + ":latest";
        String commandId = send("start_session", startPayload(sessionId, image));

        CommandState failed = awaitFailed(commandId);
        assertThat(failed.error()).contains(image);
        assertThat(conversation(commandId, sessionId)).containsExactly("ack", "status:failed", "failed");
        assertThat(controlPlane.sessionState(sessionId).state()).isEqualTo("failed");
        assertNothingLeftFor(sessionId);
    }

    @Test
    void aContainerThatExitsAtOnceFailsWithItsExitCodeAndLeavesNothingBehind() throws Exception {
        startAgent(Map.of());
        String sessionId = sessionId("alice", "exit-fast");
        String commandId = send("start_session", startPayload(sessionId, EXIT_FAST_IMAGE));

        CommandState failed = awaitFailed(commandId);
        assertThat(failed.error()).contains("exit code 3");
        assertThat(conversation(commandId, sessionId)).containsExactly("ack", "status:failed", "failed");
        assertThat(controlPlane.sessionState(sessionId).state()).isEqualTo("failed");
        assertNothingLeftFor(sessionId);
    }

    /**
     * Regression: with restart policy unless-stopped a process that exits at once is briefly "running" after each
     * start, and one look used to catch it so (about one start in four reported running, then died). Each of
     * these starts must fail with the exit code (from the engine's die events where no look shows it).
     *
     * <p>The agent calls a container running when it saw it running twice, one poll interval (250 ms) apart, without
     * a restart. On a loaded host the process that "exits at once" can itself take longer than that to run and exit
     * (it waits for CPU and disk like everything else), and then "running" is the truth at that moment. So a start
     * reported running is accepted only when the engine's own events show that the container's first run lasted at
     * least the poll interval; it must then be reported failed when it dies. A single look would be caught here: it
     * reports runs far shorter than that.
     */
    @Test
    void containersThatExitAtOnceAreNeverReportedRunning() throws Exception {
        long since = java.time.Instant.now().getEpochSecond() - 1;
        startAgent(Map.of());
        List<String> sessions = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String sessionId = sessionId("crash" + i, "exit-fast");
            sessions.add(sessionId);
            commands.add(send("start_session", startPayload(sessionId, EXIT_FAST_IMAGE)));
        }
        int failedStarts = 0;
        for (int i = 0; i < commands.size(); i++) {
            String commandId = commands.get(i);
            CommandState answer = org.awaitility.Awaitility.await("the answer to " + commandId).atMost(WAIT)
                    .until(() -> controlPlane.commandState(commandId), c -> c != null
                            && (c.status() == CommandState.Status.FAILED || c.status() == CommandState.Status.COMPLETED));
            if (answer.status() == CommandState.Status.FAILED) {
                failedStarts++;
                // Podman sometimes shows exit code 0 on every look at a container it keeps restarting (about one
                // start in thirty): the code then comes from the engine's die events.
                assertThat(answer.error()).contains("exit code 3");
                assertThat(statusesOf(sessions.get(i))).extracting(m -> m.payloadText("state")).containsOnly("failed");
                continue;
            }
            String session = sessions.get(i);
            String name = "streamspace-" + session;
            org.awaitility.Awaitility.await(session + " reported failed once it died").atMost(WAIT)
                    .until(() -> statusesOf(session).stream().anyMatch(m -> "failed".equals(m.payloadText("state"))));
            assertThat(firstRunMillis(name, since)).as("%s was reported running, so the engine must show that its"
                    + " first run lasted at least the poll interval", name).isGreaterThanOrEqualTo(250);
            awaitCompleted(send("stop_session", sessionPayload(sessions.get(i))));
        }
        System.out.printf("exit-fast starts answered failed: %d of %d%n", failedStarts, commands.size());
        assertThat(containersOfAgent()).isEmpty();
        assertThat(volumesOfAgent()).isEmpty();
    }

    /** The engine's account of a container's first run: its first {@code start} event to the next {@code die}. */
    private static long firstRunMillis(String container, long sinceEpochSecond) throws Exception {
        String events = dockerOk("events", "--since", Long.toString(sinceEpochSecond), "--until",
                Long.toString(java.time.Instant.now().getEpochSecond() + 1), "--filter", "container=" + container,
                "--filter", "event=start", "--filter", "event=die", "--format", "{{.TimeNano}} {{.Action}}");
        Long started = null;
        for (String line : lines(events)) {
            String[] parts = line.trim().split(" ");
            long at = Long.parseLong(parts[0]);
            if (started == null && parts[1].equals("start")) {
                started = at;
            } else if (started != null && parts[1].equals("die")) {
                return (at - started) / 1_000_000;
            }
        }
        throw new AssertionError("no start and die events of " + container + " in: " + events);
    }

    private void assertNothingLeftFor(String sessionId) throws Exception {
        assertThat(inspectContainer("streamspace-" + sessionId)).isNull();
        assertThat(volumeExists("streamspace-" + sessionId + "-home")).isFalse();
        assertThat(volumeExists("streamspace-" + sessionId + "-data")).isFalse();
        assertThat(containersOfAgent()).isEmpty();
        assertThat(volumesOfAgent()).isEmpty();
    }
}
