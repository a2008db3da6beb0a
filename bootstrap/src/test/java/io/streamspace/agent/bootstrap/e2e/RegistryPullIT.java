package io.streamspace.agent.bootstrap.e2e;

import io.streamspace.agent.testkit.files.TempFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.AgentJarProcess;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.SessionState;
import io.streamspace.agent.testkit.registry.DockerCli;
import io.streamspace.agent.testkit.registry.LocalRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code start_session} with an image the engine does not have, end to end: the testkit control plane, the agent
 * (the shaded jar, a separate JVM), the real Docker engine and a real registry on 127.0.0.1 with htpasswd auth. The
 * agent's registry credentials come from {@code $DOCKER_CONFIG/config.json}, as {@code docker login} leaves them.
 */
class RegistryPullIT {

    private static final String KEY = "a".repeat(32) + "0123456789abcdef0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SOURCE_IMAGE = "streamspace-test/vnc-echo:latest";
    private static final String USER = "agent";
    private static final String PASSWORD = "reg-pw-" + UUID.randomUUID().toString().substring(0, 12);
    private static final String WRONG_PASSWORD = "not-the-pw-" + UUID.randomUUID().toString().substring(0, 12);

    private static LocalRegistry registry;
    /** {@code 127.0.0.1:PORT/streamspace-e2e/vnc-echo-XXXX:TAG}: only in the registry, never local at the start. */
    private static String image;

    @TempDir
    Path dockerConfig;
    @TempDir
    Path outboxDir;

    private String agentId;
    private String network;
    private ControlPlaneSimulator controlPlane;
    private AgentObjects docker;
    private AgentJarProcess agent;

    @BeforeAll
    static void pushTheImageToAFreshRegistry() throws Exception {
        assertThat(DockerCli.imagePresent(SOURCE_IMAGE)).as(SOURCE_IMAGE + " (built by scripts/test.sh)").isTrue();
        registry = LocalRegistry.start(USER, PASSWORD);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        // vnc-echo plus one layer of its own: the engine has every other layer, this one it must download, so the
        // pull shows real layer progress. The build's local tag goes once pushed; vnc-echo itself stays.
        Path context = Files.createTempDirectory("registry-pull-it-");
        String built = "streamspace-e2e/vnc-echo-marker:" + suffix;
        try {
            Files.writeString(context.resolve("marker"), "registry-pull-it " + suffix + "\n");
            Files.writeString(context.resolve("Dockerfile"), "FROM " + SOURCE_IMAGE + "\nCOPY marker /e2e-marker\n");
            DockerCli.build(context, built);
            // tag + push with the registry's credentials; the registry tag is removed locally again
            image = registry.push(built, "streamspace-e2e/vnc-echo-" + suffix, "e2e-" + suffix);
        } finally {
            DockerCli.removeImage(built);
            TempFiles.delete(context);
        }
        assertThat(DockerCli.imagePresent(image)).as("the pushed image is not local").isFalse();
    }

    @AfterAll
    static void stopTheRegistry() throws Exception {
        try {
            if (image != null) {
                DockerCli.removeImage(image); // in case a test left it
            }
        } finally {
            if (registry != null) {
                registry.close(); // its storage, every pushed tag with it, is deleted
            }
        }
    }

    @BeforeEach
    void setUp() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        agentId = "docker-pull-" + suffix;
        network = "ss-pull-" + suffix;
        controlPlane = ControlPlaneSimulator.builder().port(0).agent(agentId, KEY).start();
        docker = new AgentObjects(agentId);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (agent != null) {
                agent.close();
                System.out.println("---- agent output ----\n" + agent.all());
            }
        } finally {
            try {
                controlPlane.stop();
                docker.cleanup(network);
                docker.close();
            } finally {
                DockerCli.removeImage(image); // what the agent pulled (containers are gone, so it can go)
            }
        }
    }

    private void startAgent() throws IOException {
        agent = AgentJarProcess.builder()
                .scrubAlso("NETWORK_NAME", "OUTBOX_DIR", "DOCKER_CONFIG", "STATUS_PORT").redirectErrorStream()
                .stopGracefully(Duration.ofSeconds(15))
                .env(Map.of("AGENT_API_KEY", KEY, "DOCKER_CONFIG", dockerConfig.toString(),
                        "OUTBOX_DIR", outboxDir.toString(), "STATUS_PORT", "0"))
                .args("--agent-id=" + agentId, "--control-plane-url=" + controlPlane.webSocketBaseUrl(),
                        "--network=" + network)
                .start();
        controlPlane.awaitConnected(agentId, WAIT);
        controlPlane.awaitMessage(agentId, m -> m.isAccepted("heartbeat"), WAIT);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> startPayload(String sessionId) {
        Map<String, Object> payload = AgentObjects.startPayload(sessionId, null, null);
        Map<String, Object> manifest = (Map<String, Object>) payload.get("templateManifest");
        ((Map<String, Object>) manifest.get("spec")).put("baseImage", image);
        return payload;
    }

    private String sessionId() {
        return "pull-echo-" + agentId.substring(agentId.length() - 8);
    }

    @Test
    void pullsTheMissingImageWithTheCredentialsOfConfigJsonAndStartsTheSession() throws Exception {
        registry.writeDockerConfig(dockerConfig, USER, PASSWORD);
        startAgent();
        String session = sessionId();

        String command = controlPlane.sendCommand(agentId, "start_session", startPayload(session));

        controlPlane.awaitCommandStatus(command, CommandState.Status.COMPLETED, WAIT);
        controlPlane.awaitSessionState(session, "running", WAIT);
        assertThat(DockerCli.imagePresent(image)).as("the image is local now").isTrue();
        assertThat(docker.containersBySession().get(session)).as("containers of " + session).singleElement()
                .satisfies(c -> {
                    assertThat(c.getState()).isEqualTo("running");
                    assertThat(c.getImage()).isEqualTo(image);
                });
        // The pull's progress is in the agent's log: the start, the engine's per-layer lines, the end.
        Pattern progress = Pattern.compile("Pulling " + Pattern.quote(image) + ": [0-9a-f]{12}: Pull complete");
        Awaitility.await("pull progress in the agent's output").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> agent.out().stream().anyMatch(l -> progress.matcher(l).find()));
        assertThat(agent.all())
                .contains("Pulling image " + image + " for session " + session)
                .contains("credentials: user '" + USER + "' from " + dockerConfig.resolve("config.json"))
                .contains("Pulling " + image + ": Status: Downloaded newer image for " + image)
                .contains("Pulled image " + image);
        assertNoSecretIn(agent.all(), PASSWORD);
    }

    @Test
    void aWrongPasswordFailsTheStartWithTheRegistrysRefusalAndLeavesNothing() throws Exception {
        registry.writeDockerConfig(dockerConfig, USER, WRONG_PASSWORD);
        startAgent();
        String session = sessionId();

        String command = controlPlane.sendCommand(agentId, "start_session", startPayload(session));

        CommandState failed = controlPlane.awaitCommandStatus(command, CommandState.Status.FAILED, WAIT);
        SessionState state = controlPlane.awaitSessionState(session, "failed", WAIT);
        assertThat(failed.error()).as("the command's error")
                .contains(image)
                .contains("unauthorized")
                .contains("credentials: user '" + USER + "' from " + dockerConfig.resolve("config.json"));
        assertThat(docker.containers()).as("no container of this agent").isEmpty();
        assertThat(DockerCli.imagePresent(image)).as("nothing was pulled").isFalse();
        Awaitility.await("the failure in the agent's output").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> agent.all().contains("unauthorized"));
        assertNoSecretIn(failed.error(), WRONG_PASSWORD);
        assertNoSecretIn(state.lastPayload().toString(), WRONG_PASSWORD);
        assertNoSecretIn(controlPlane.received(agentId).toString(), WRONG_PASSWORD);
        assertNoSecretIn(agent.all(), WRONG_PASSWORD);
    }

    /** Neither the password nor the base64 {@code user:password} of config.json appears in {@code text}. */
    private static void assertNoSecretIn(String text, String password) {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        assertThat(text).as("no password").doesNotContain(password).doesNotContain(auth);
    }
}
