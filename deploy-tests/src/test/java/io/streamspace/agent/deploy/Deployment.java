package io.streamspace.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.StartSessionPayloads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the deploy/ files set up as the README tells an operator: the file copied into a directory of its own (named
 * like the project, so the project name comes from the directory as docker-compose derives it), a {@code .env} beside
 * it, and a control-plane simulator the containers reach on the docker0 bridge address. Closing it takes the project
 * down with {@code docker-compose down -v} and removes what the agent made for its sessions (by its owner label).
 */
final class Deployment implements AutoCloseable {

    static final String KEY = "d".repeat(32) + "0123456789abcdef0123456789abcdef";
    static final String SESSION_IMAGE = "streamspace-test/vnc-echo:latest";
    static final Duration STARTUP = Duration.ofMinutes(2);
    private static final Logger LOG = LoggerFactory.getLogger(Deployment.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    final ControlPlaneSimulator controlPlane;
    final String project;
    final String agentId;
    final String sessionNetwork;
    final Path dir;
    final String file;
    /** The status panel's token in .env, and the host port its panel is published on (STATUS_PUBLISH_PORT). */
    final String statusToken = "status-" + hex8() + hex8() + hex8();
    final int statusPort = freePort();

    private Deployment(Path root, String file, Map<String, String> settings) {
        this.file = file;
        String suffix = hex8();
        this.project = "sst-deploy-" + suffix;
        this.agentId = "deploy-" + suffix;
        this.sessionNetwork = "sst-deploy-sessions-" + suffix;
        this.controlPlane = ControlPlaneSimulator.builder().bindAddress(Host.dockerBridgeAddress())
                .agent(agentId, KEY).start();
        this.dir = root.resolve(project);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AGENT_ID", agentId);
        env.put("CONTROL_PLANE_URL", controlPlane.webSocketBaseUrl().toString());
        env.put("API_KEY", KEY);
        env.put("DOCKER_GID", Integer.toString(Host.dockerSocketGroup()));
        env.put("AGENT_IMAGE", Host.agentImage());
        env.put("NETWORK_NAME", sessionNetwork);
        env.put("STATUS_TOKEN", statusToken);
        env.put("STATUS_PUBLISH_PORT", Integer.toString(statusPort));
        env.putAll(settings);
        try {
            Files.createDirectories(dir);
            Files.copy(Host.DEPLOY.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            StringBuilder dotEnv = new StringBuilder();
            env.forEach((k, v) -> dotEnv.append(k).append('=').append(v).append('\n'));
            Files.writeString(dir.resolve(".env"), dotEnv);
        } catch (IOException e) {
            controlPlane.close();
            throw new UncheckedIOException(e);
        }
    }

    /** The file from deploy/ in a fresh project directory under {@code root}, with these settings added to .env. */
    static Deployment of(Path root, String file, Map<String, String> settings) {
        return new Deployment(root, file, settings);
    }

    /** {@code docker-compose -f FILE ARGS} in the project directory, as an operator types it. */
    Host.Result compose(String... args) {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", file));
        command.addAll(List.of(args));
        return Host.run(dir, Map.of(), Duration.ofMinutes(5), command.toArray(String[]::new));
    }

    /** {@code docker-agent stack -f FILE ARGS} in the project directory: the agent's own Compose engine. */
    Host.Result stack(String... args) {
        List<String> command = new ArrayList<>(List.of("stack", "-f", file));
        command.addAll(List.of(args));
        return Host.agent(dir, Map.of(), command.toArray(String[]::new));
    }

    /** The ids of a service's containers (running or not). */
    List<String> containers(String service) {
        return Host.lines(Host.dockerOk("ps", "-aq", "--filter", "label=com.docker.compose.project=" + project,
                "--filter", "label=com.docker.compose.service=" + service));
    }

    String container(String service) {
        List<String> ids = containers(service);
        assertThat(ids).as("containers of service " + service).hasSize(1);
        return ids.get(0);
    }

    static JsonNode inspect(String container) {
        try {
            return JSON.readTree(Host.dockerOk("inspect", container)).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String logs(String container) {
        return Host.docker("logs", container).all();
    }

    /** Waits until the agent registered and holds its socket. */
    void awaitConnected() {
        controlPlane.awaitConnected(agentId, STARTUP);
    }

    /** Sends start_session for the VNC echo image and waits until the command completed and the session runs. */
    String startSession() {
        String sessionId = "alice-vnc-echo-" + hex8();
        String commandId = controlPlane.sendCommand(agentId, "start_session", startPayload(sessionId));
        CommandState state = controlPlane.awaitCommandStatus(commandId, CommandState.Status.COMPLETED, STARTUP);
        assertThat(state.status()).isEqualTo(CommandState.Status.COMPLETED);
        controlPlane.awaitSessionState(sessionId, "running", STARTUP);
        assertThat(inspect("streamspace-" + sessionId).at("/State/Status").asText()).isEqualTo("running");
        return sessionId;
    }

    /** A free TCP port on the host's loopback (for a published port: tests run side by side). */
    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET path} on the host's 127.0.0.1:port, with the bearer token when not null. */
    static java.net.http.HttpResponse<String> get(int port, String path, String token) {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The status panel published on the host's 127.0.0.1:port, as an operator opens it: {@code /health} open,
     * {@code /api/v1/agent} 401 without the token and 200 with it. Returns that agent view.
     */
    JsonNode panel(int port) throws IOException {
        org.awaitility.Awaitility.await("the status panel on 127.0.0.1:" + port).atMost(STARTUP)
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> get(port, "/health", null).statusCode() == 200);
        java.net.http.HttpResponse<String> missing = get(port, "/api/v1/agent", null);
        assertThat(missing.statusCode()).as("/api/v1/agent without the token").isEqualTo(401);
        assertThat(missing.body()).doesNotContain(statusToken);
        assertThat(get(port, "/api/v1/agent", statusToken + "x").statusCode()).as("a wrong token").isEqualTo(401);
        java.net.http.HttpResponse<String> agent = get(port, "/api/v1/agent", statusToken);
        assertThat(agent.statusCode()).as("/api/v1/agent with the token: " + agent.body()).isEqualTo(200);
        JsonNode view = JSON.readTree(agent.body());
        assertThat(view.path("agent_id").asText()).isEqualTo(agentId);
        return view;
    }

    /** {@code GET path} of the panel on the host's 127.0.0.1:port with the token, as JSON (200 expected). */
    JsonNode panelJson(int port, String path) throws IOException {
        java.net.http.HttpResponse<String> response = get(port, path, statusToken);
        assertThat(response.statusCode()).as("GET " + path + " on " + port + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** An HTTP answer read inside a container: the status code and the body. */
    record Answer(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /**
     * {@code GET path} of the status panel inside a container (127.0.0.1:5001 there), with bash's /dev/tcp as the
     * image's HEALTHCHECK does; with the token as a bearer when {@code withToken}. For replicas whose port is
     * published only through the Swarm routing mesh, which needs IPVS in the host's kernel.
     */
    Answer panelInside(String container, String path, boolean withToken) {
        String auth = withToken ? "Authorization: Bearer " + statusToken + "\\r\\n" : "";
        String script = "exec 3<>/dev/tcp/127.0.0.1/5001 || exit 7; printf 'GET %s HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n"
                + "Connection: close\\r\\n" + auth + "\\r\\n' \"$1\" >&3; timeout 10 cat <&3";
        String response = Host.dockerOk("exec", container, "bash", "-c", script, "panel", path);
        int headerEnd = response.indexOf("\r\n\r\n");
        assertThat(headerEnd).as("an HTTP answer from " + path + " in " + container + ": " + response).isPositive();
        String statusLine = response.substring(0, response.indexOf("\r\n"));
        return new Answer(Integer.parseInt(statusLine.split(" ")[1]), response.substring(headerEnd + 4));
    }

    /** A test step that may throw. */
    interface Step {
        void run() throws Exception;
    }

    /** Runs the test's steps; on a failure, first prints the project's container logs. */
    void check(Step steps) throws Exception {
        try {
            steps.run();
        } catch (Exception | AssertionError e) {
            printLogs();
            throw e;
        }
    }

    /** Dumps every container's logs of the project into the test output (for a failed run). */
    void printLogs() {
        List<String> ids = new ArrayList<>(Host.lines(Host.dockerOk("ps", "-aq", "--filter",
                "label=com.docker.compose.project=" + project)));
        ids.addAll(Host.lines(Host.dockerOk("ps", "-aq", "--filter", "label=com.docker.stack.namespace=" + project)));
        for (String id : ids) {
            LOG.info("logs of {} ({}):\n{}", inspect(id).path("Name").asText(), id, logs(id));
        }
    }

    @Override
    public void close() {
        try {
            Host.Result down = compose("down", "-v", "--remove-orphans", "--timeout", "5");
            if (down.exitCode() != 0) {
                LOG.warn("docker-compose down failed: {}", down.all());
            }
            for (String id : Host.lines(Host.dockerOk("ps", "-aq", "--filter", "label=streamspace.agent.id=" + agentId))) {
                Host.docker("rm", "-f", "-v", id);
            }
            for (String volume : Host.lines(Host.dockerOk("volume", "ls", "-q", "--filter",
                    "label=streamspace.agent.id=" + agentId))) {
                Host.docker("volume", "rm", "-f", volume);
            }
            Host.docker("network", "rm", sessionNetwork);
        } finally {
            controlPlane.close();
        }
    }

    static String hex8() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    /** A start_session payload as the control plane builds it (protocol §4.1), for the VNC echo test image. */
    static Map<String, Object> startPayload(String sessionId) {
        return StartSessionPayloads.vncEcho(sessionId, SESSION_IMAGE);
    }
}
