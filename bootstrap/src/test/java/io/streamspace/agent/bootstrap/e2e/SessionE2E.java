package io.streamspace.agent.bootstrap.e2e;

import io.streamspace.agent.testkit.files.TempFiles;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.StartSessionPayloads;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared harness of the session end-to-end tests: one strict control-plane simulator per class, one real agent
 * (wired by Dagger as in production) per test with its own agent id and network, the real Docker engine, and a
 * clean-up that removes exactly the objects carrying this test's agent-id label.
 *
 * <p>With {@code -Dstreamspace.e2e.mode=sidecar} the same tests run in sidecar mode: each agent gets its own
 * compose-agent sidecar (in this JVM, on a free loopback port, with a token file) and {@code
 * COMPOSE_AGENT_ENABLED=true}, so every Docker operation goes through the signed local API.
 */
abstract class SessionE2E {

    static final String KEY = "e".repeat(32) + "0123456789abcdef0123456789abcdef";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String VNC_IMAGE = "streamspace-test/vnc-echo:latest";
    static final String BUSYBOX_IMAGE = "streamspace-test/busybox:latest";
    static final String EXIT_FAST_IMAGE = "streamspace-test/exit-fast:latest";
    static final String AGENT_LABEL = "streamspace.agent.id";
    static final ObjectMapper JSON = new ObjectMapper();

    static ControlPlaneSimulator controlPlane;

    String agentId;
    String network;
    RunningAgent agent;
    private io.streamspace.agent.bootstrap.ComposeAgentRole.Running sidecar;
    private java.nio.file.Path sidecarToken;

    /** Whether this run puts a compose-agent sidecar between every agent and Docker. */
    static boolean sidecarMode() {
        return "sidecar".equals(System.getProperty("streamspace.e2e.mode"));
    }

    /** Whether this run puts every agent on Podman's Docker-compatible API (DOCKER_HOST, set by the pom). */
    static boolean podmanMode() {
        return "podman".equals(System.getProperty("streamspace.e2e.mode"));
    }

    /** The engine the agents and the tests' own docker CLI use: DOCKER_HOST, else the local Docker socket. */
    static String dockerHost() {
        String host = System.getenv("DOCKER_HOST");
        return host == null || host.isBlank() ? io.streamspace.agent.adapter.docker.DockerClients.DEFAULT_HOST : host;
    }

    @BeforeAll
    static void startControlPlane() {
        if (podmanMode()) {
            requirePodman();
        }
        controlPlane = ControlPlaneSimulator.builder().port(0).start();
    }

    /** Fails (never skips) with the fix when the Podman mode does not reach Podman. */
    private static void requirePodman() {
        try (var clients = io.streamspace.agent.adapter.docker.DockerClients.create(dockerHost())) {
            assertThat(clients.engine()).as("the engine at %s", dockerHost())
                    .isEqualTo(io.streamspace.agent.adapter.docker.ContainerEngine.PODMAN);
        } catch (RuntimeException e) {
            throw new AssertionError("The Podman mode needs Podman's API at " + dockerHost() + " (" + e + "): run"
                    + " scripts/test.sh, which starts 'podman system service' and loads the test images", e);
        }
    }

    @AfterAll
    static void stopControlPlane() {
        if (controlPlane != null) {
            controlPlane.stop();
        }
    }

    @BeforeEach
    void identity() {
        String suffix = hex8();
        agentId = "e2e-sess-" + suffix;
        network = "ss-e2e-" + suffix;
        controlPlane.addAgent(agentId, KEY);
    }

    @AfterEach
    void removeEverythingOfThisAgent() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
            if (sidecar != null) {
                sidecar.close();
                sidecar = null;
            }
        } finally {
            removeByAgentLabel(agentId);
        }
    }

    /** Starts the agent with this test's id and network plus {@code extra}, and waits until it is connected. */
    RunningAgent startAgent(Map<Setting, String> extra) throws Exception {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.NETWORK, network);
        flags.put(Setting.DOCKER_HOST, dockerHost());
        if (sidecarMode() && !extra.containsKey(Setting.COMPOSE_AGENT_ENABLED)) {
            flags.putAll(sidecarFlags()); // a test that brings its own sidecar keeps it
        }
        flags.putAll(extra);
        agent = RunningAgent.start(agentId, controlPlane.webSocketBaseUrl().toString(), KEY, flags);
        controlPlane.awaitConnected(agentId, WAIT);
        return agent;
    }

    /** Starts this test's sidecar (once) and returns the agent settings that use it. */
    Map<Setting, String> sidecarFlags() throws IOException {
        if (sidecar == null) {
            sidecarToken = TempFiles.withText("compose-agent", ".token", "e2e-" + hex8() + hex8());
            java.nio.file.Path token = sidecarToken;
            sidecar = io.streamspace.agent.bootstrap.ComposeAgentRole.start(
                    io.streamspace.agent.bootstrap.ComposeAgentRole.resolve(Map.of(Setting.LISTEN, "127.0.0.1:0",
                            Setting.ALLOWED_AGENTS, agentId, Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString(),
                            Setting.DOCKER_HOST, dockerHost()),
                            Map.of()));
        }
        return Map.of(Setting.COMPOSE_AGENT_ENABLED, "true",
                Setting.COMPOSE_AGENT_URL, "http://127.0.0.1:" + sidecar.port(),
                Setting.COMPOSE_AGENT_TOKEN_FILE, sidecarToken.toString());
    }

    static String hex8() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    static String sessionId(String user, String template) {
        return user + "-" + template + "-" + hex8();
    }

    // --------------------------------------------------------------------------------------------- payloads

    /** A start_session payload as the control plane builds it (protocol §4.1), for the vnc-echo image. */
    static Map<String, Object> startPayload(String sessionId, String image) {
        Map<String, Object> payload = StartSessionPayloads.vncEcho(sessionId, image);
        Map<String, Object> spec = StartSessionPayloads.templateSpec(payload);
        spec.put("env", List.of(Map.of("name", "GREETING", "value", "hello"), Map.of("name", "EMPTY", "value", "")));
        spec.put("volumeMounts", List.of(Map.of("name", "data", "mountPath", "/data")));
        spec.put("capabilities", List.of("Network", "Clipboard"));
        spec.put("tags", List.of("test"));
        payload.put("persistentHome", true);
        payload.put("idleTimeout", "");
        payload.put("maxSessionDuration", "");
        payload.put("tags", null);
        return payload;
    }

    static Map<String, Object> startPayload(String sessionId) {
        return startPayload(sessionId, VNC_IMAGE);
    }

    static Map<String, Object> with(Map<String, Object> payload, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(payload);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return copy;
    }

    static Map<String, Object> sessionPayload(String sessionId) {
        return Map.of("sessionId", sessionId, "namespace", "streamspace");
    }

    // --------------------------------------------------------------------------------------------- commands

    String send(String action, Map<String, ?> payload) {
        return controlPlane.sendCommand(agentId, action, payload);
    }

    CommandState awaitCompleted(String commandId) {
        return controlPlane.awaitCommandStatus(commandId, CommandState.Status.COMPLETED, WAIT);
    }

    CommandState awaitFailed(String commandId) {
        return controlPlane.awaitCommandStatus(commandId, CommandState.Status.FAILED, WAIT);
    }

    /** Starts a session and waits until the command completed. */
    void startSession(String sessionId) {
        awaitCompleted(send("start_session", startPayload(sessionId)));
    }

    /** The types of the messages about one command, in arrival order. */
    List<String> repliesTo(String commandId) {
        return controlPlane.received(agentId).stream()
                .filter(m -> commandId.equals(m.payloadText("commandId")))
                .map(ReceivedMessage::type).toList();
    }

    /** The accepted {@code status} messages about one session, in arrival order. */
    List<ReceivedMessage> statusesOf(String sessionId) {
        return controlPlane.sessionStatuses(agentId, sessionId);
    }

    /**
     * The command's replies and the session's statuses from the command's {@code ack} on, in arrival order, as
     * "type" or "status:state". Every message must be one the real control plane accepts.
     */
    List<String> conversation(String commandId, String sessionId) {
        List<String> out = new ArrayList<>();
        for (ReceivedMessage m : controlPlane.received(agentId)) {
            assertThat(m.accepted()).as("the control plane accepts %s (%s)", m.raw(), m.dropReason()).isTrue();
            if (commandId.equals(m.payloadText("commandId"))) {
                out.add(m.type());
            } else if (!out.isEmpty() && "status".equals(m.type()) && sessionId.equals(m.payloadText("sessionId"))) {
                out.add("status:" + m.payloadText("state"));
            }
        }
        return out;
    }

    // --------------------------------------------------------------------------------------------- docker

    record Result(int exitCode, String out, String err) {}

    static Result docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("docker " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8).strip(),
                new String(err, StandardCharsets.UTF_8).strip());
    }

    static String dockerOk(String... args) throws IOException, InterruptedException {
        Result r = docker(args);
        assertThat(r.exitCode()).as("docker %s: %s", String.join(" ", args), r.err()).isZero();
        return r.out();
    }

    /** {@code docker inspect} of a container, or null when there is none of that name. */
    static JsonNode inspectContainer(String name) throws IOException, InterruptedException {
        Result r = docker("container", "inspect", name);
        if (r.exitCode() != 0) {
            assertThat(r.err()).containsIgnoringCase("no such");
            return null;
        }
        return JSON.readTree(r.out()).get(0);
    }

    static boolean volumeExists(String name) throws IOException, InterruptedException {
        return docker("volume", "inspect", name).exitCode() == 0;
    }

    /** Containers carrying this agent's label (names, without the slash). */
    List<String> containersOfAgent() throws IOException, InterruptedException {
        return lines(dockerOk("ps", "-a", "--filter", "label=" + AGENT_LABEL + "=" + agentId, "--format",
                "{{.Names}}"));
    }

    List<String> volumesOfAgent() throws IOException, InterruptedException {
        return lines(dockerOk("volume", "ls", "-q", "--filter", "label=" + AGENT_LABEL + "=" + agentId));
    }

    static List<String> lines(String text) {
        return text.isBlank() ? List.of() : List.of(text.split("\\R"));
    }

    /** Removes every container, volume and network labelled with exactly this agent id; nothing else. */
    static void removeByAgentLabel(String agentId) throws IOException, InterruptedException {
        String filter = "label=" + AGENT_LABEL + "=" + agentId;
        for (String id : lines(docker("ps", "-aq", "--filter", filter).out())) {
            docker("rm", "-f", "-v", id);
        }
        for (String volume : lines(docker("volume", "ls", "-q", "--filter", filter).out())) {
            docker("volume", "rm", "-f", volume);
        }
        for (String net : lines(docker("network", "ls", "-q", "--filter", filter).out())) {
            docker("network", "rm", net);
        }
    }
}
