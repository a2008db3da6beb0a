package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The VNC tunnel end to end: the strict control-plane simulator, the real agent (Dagger-wired as in production)
 * and the real Docker engine running {@code streamspace-test/vnc-echo} (busybox {@code nc} echoing on port 5900).
 * Everything the agent created (containers, volumes, the network) carries its unique agent id and is removed by
 * that label afterwards.
 */
class VncTunnelE2ETest {

    private static final String KEY = "c".repeat(32) + "0123456789abcdef0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SUFFIX = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private static final String AGENT = "docker-vnc-e2e-" + SUFFIX;
    private static final String NETWORK = "ss-vnc-e2e-" + SUFFIX;
    private static final String IMAGE = "streamspace-test/vnc-echo:latest";

    private static ControlPlaneSimulator controlPlane;
    private static RunningAgent agent;

    @BeforeAll
    static void startControlPlaneAndAgent() throws Exception {
        assertThat(docker("image", "inspect", IMAGE).exitCode())
                .as(IMAGE + " is missing: run scripts/setup-env.sh once").isZero();
        controlPlane = ControlPlaneSimulator.builder().port(0).agent(AGENT, KEY).start();
        agent = RunningAgent.start(AGENT, controlPlane.webSocketBaseUrl().toString(), KEY,
                Map.of(Setting.NETWORK, NETWORK, Setting.HOST_ADDRESS, "127.0.0.1"));
        controlPlane.awaitConnected(AGENT, WAIT);
    }

    @AfterAll
    static void stopEverythingAndCleanUp() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
            if (controlPlane != null) {
                controlPlane.stop();
            }
        } finally {
            String label = "label=streamspace.agent.id=" + AGENT;
            for (String id : docker("ps", "-aq", "--filter", label).lines()) {
                docker("rm", "-f", "-v", id);
            }
            for (String volume : docker("volume", "ls", "-q", "--filter", label).lines()) {
                docker("volume", "rm", "-f", volume);
            }
            for (String network : docker("network", "ls", "-q", "--filter", label).lines()) {
                docker("network", "rm", network);
            }
            assertThat(docker("ps", "-aq", "--filter", label).lines()).as("containers left").isEmpty();
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------

    private static Map<String, Object> startPayload(String sessionId) {
        return startPayload(sessionId, IMAGE);
    }

    private static Map<String, Object> startPayload(String sessionId, String image) {
        Map<String, Object> spec = Map.of(
                "displayName", "VNC echo",
                "baseImage", image,
                "ports", List.of(Map.of("name", "vnc", "containerPort", 5900, "protocol", "TCP")),
                "vnc", Map.of("enabled", true, "port", 5900));
        return Map.of("sessionId", sessionId, "user", "alice", "template", "vnc-echo",
                "templateManifest", Map.of("apiVersion", "stream.space/v1alpha1", "kind", "Template",
                        "metadata", Map.of("name", "vnc-echo"), "spec", spec),
                "namespace", "streamspace", "persistentHome", false);
    }

    /** Starts a session and waits for {@code status running} and {@code vnc_ready}; returns the vnc_ready. */
    private static ReceivedMessage startSession(String sessionId) {
        return startSession(sessionId, IMAGE);
    }

    private static ReceivedMessage startSession(String sessionId, String image) {
        String commandId = controlPlane.sendCommand(AGENT, "start_session", startPayload(sessionId, image));
        controlPlane.awaitCommandStatus(commandId, CommandState.Status.COMPLETED, WAIT);
        controlPlane.awaitSessionState(sessionId, "running", WAIT);
        return controlPlane.awaitMessage(AGENT, m -> m.isAccepted("vnc_ready")
                && sessionId.equals(m.payloadText("sessionId")), WAIT);
    }

    private static void sendData(String sessionId, byte[] bytes) {
        controlPlane.sendEnvelope(AGENT, "vnc_data",
                Map.of("sessionId", sessionId, "data", Base64.getEncoder().encodeToString(bytes)));
    }

    private static void sendText(String sessionId, String text) {
        sendData(sessionId, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<ReceivedMessage> messages(String type, String sessionId) {
        return controlPlane.received(AGENT).stream()
                .filter(m -> m.isAccepted(type) && sessionId.equals(m.payloadText("sessionId"))).toList();
    }

    /** The raw chunks of every vnc_data for the session so far, in arrival order. */
    private static List<byte[]> chunks(String sessionId) {
        List<byte[]> chunks = new ArrayList<>();
        for (ReceivedMessage m : messages("vnc_data", sessionId)) {
            chunks.add(Base64.getDecoder().decode(m.payloadText("data")));
        }
        return chunks;
    }

    private static byte[] echoed(String sessionId) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        chunks(sessionId).forEach(all::writeBytes);
        return all.toByteArray();
    }

    private static byte[] awaitEchoed(String sessionId, int bytes) {
        return Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> echoed(sessionId), b -> b.length >= bytes);
    }

    private static ReceivedMessage awaitError(String sessionId, int nth) {
        return controlPlane.awaitMessages(AGENT, m -> m.isAccepted("vnc_error")
                && sessionId.equals(m.payloadText("sessionId")), nth, WAIT).get(nth - 1);
    }

    private static String containerName(String sessionId) {
        return "streamspace-" + sessionId;
    }

    // --- tests ------------------------------------------------------------------------------------------------

    /**
     * Issue 13: a VNC server that stops reading cannot make the agent hold the viewer's bytes without limit: the
     * tunnel's queue is bounded (1 MiB), the link waits briefly for room, then the tunnel closes with the reason.
     */
    @Test
    void aVncServerThatStopsReadingGetsItsTunnelClosedOnceTheBoundedQueueIsFull() {
        String session = "alice-stall-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        startSession(session, "streamspace-test/vnc-stall:latest");
        byte[] chunk = new byte[32 * 1024];
        ThreadLocalRandom.current().nextBytes(chunk);
        long sent = 0;
        // far more than the socket buffers on both sides of the connection plus the queue can hold
        while (sent < 256L * 1024 * 1024 && messages("vnc_error", session).isEmpty()) {
            sendData(session, chunk);
            sent += chunk.length;
        }
        ReceivedMessage error = awaitError(session, 1);
        String reason = error.payloadText("error") == null ? error.payload().toString() : error.payloadText("error");
        assertThat(reason).contains("does not read what the viewer sends");
        java.util.regex.Matcher waiting = java.util.regex.Pattern.compile("\\((\\d+) bytes waiting\\)").matcher(reason);
        assertThat(waiting.find()).as(reason).isTrue();
        assertThat(Long.parseLong(waiting.group(1))).isPositive().isLessThanOrEqualTo(1024 * 1024);
        assertThat(sent).as("bytes sent before the tunnel closed").isGreaterThan(1024 * 1024);
    }

    @Test
    void vncReadyFollowsStatusRunningAndBytesEchoBackThroughTheTunnel() {
        String session = "vnc-hello-" + SUFFIX;
        ReceivedMessage ready = startSession(session);

        assertThat(ready.payload().get("vncPort").asInt()).isEqualTo(5900);
        assertThat(ready.payloadText("podName")).isEqualTo(containerName(session));
        ReceivedMessage running = messages("status", session).stream()
                .filter(m -> "running".equals(m.payloadText("state"))).findFirst().orElseThrow();
        assertThat(running.payload().get("vncReady").asBoolean()).isTrue();
        assertThat(running.payload().get("vncPort").asInt()).isEqualTo(5900);
        List<ReceivedMessage> all = controlPlane.received(AGENT);
        assertThat(all.indexOf(running)).as("status running before vnc_ready").isLessThan(all.indexOf(ready));

        sendText(session, "hello");
        assertThat(new String(awaitEchoed(session, 5), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(messages("vnc_error", session)).isEmpty();
    }

    @Test
    void aHundredKibibytePayloadRoundTripsIntactInChunksOfAtMost32KiB() {
        String session = "vnc-bulk-" + SUFFIX;
        startSession(session);
        byte[] payload = new byte[100 * 1024];
        new Random(7).nextBytes(payload);

        // like a viewer: several vnc_data messages, in order
        for (int from = 0; from < payload.length; from += 16 * 1024) {
            sendData(session, java.util.Arrays.copyOfRange(payload, from, Math.min(payload.length, from + 16 * 1024)));
        }

        assertThat(awaitEchoed(session, payload.length)).isEqualTo(payload);
        assertThat(chunks(session)).allSatisfy(c -> assertThat(c.length).isBetween(1, 32 * 1024));
        assertThat(messages("vnc_error", session)).isEmpty();
    }

    @Test
    void vncCloseClosesTheConnectionAndTheNextVncDataOpensAFreshOne() {
        String session = "vnc-reopen-" + SUFFIX;
        startSession(session);
        sendText(session, "first");
        awaitEchoed(session, 5);

        controlPlane.sendEnvelope(AGENT, "vnc_close", Map.of("sessionId", session, "reason", "client_disconnect"));
        agent.awaitLog("DockerAgent", l -> l.contains("Closing the VNC tunnel of session " + session), WAIT);
        sendText(session, "second");

        assertThat(new String(awaitEchoed(session, 11), StandardCharsets.UTF_8)).isEqualTo("firstsecond");
        assertThat(agent.logLines("DockerAgent").stream()
                .filter(l -> l.startsWith("VNC tunnel of session " + session + " connected"))).hasSize(2);
        assertThat(messages("vnc_error", session)).isEmpty();
    }

    @Test
    void vncDataForAnUnknownSessionGetsAVncError() {
        String session = "vnc-nobody-" + SUFFIX;
        sendText(session, "hello?");
        ReceivedMessage error = awaitError(session, 1);
        assertThat(error.payloadText("error")).contains("not running on this agent");
        assertThat(messages("vnc_data", session)).isEmpty();
    }

    @Test
    void vncDataThatIsNotBase64GetsAVncError() {
        String session = "vnc-garbage-" + SUFFIX;
        controlPlane.sendEnvelope(AGENT, "vnc_data", Map.of("sessionId", session, "data", "**not base64**"));
        assertThat(awaitError(session, 1).payloadText("error")).contains("not valid base64");
    }

    @Test
    void stoppingTheSessionClosesItsTunnelAndTellsTheViewer() {
        String session = "vnc-stop-" + SUFFIX;
        startSession(session);
        sendText(session, "ping");
        awaitEchoed(session, 4);

        String stop = controlPlane.sendCommand(AGENT, "stop_session", Map.of("sessionId", session));
        controlPlane.awaitCommandStatus(stop, CommandState.Status.COMPLETED, WAIT);
        controlPlane.awaitSessionState(session, "terminated", WAIT);

        assertThat(awaitError(session, 1).payloadText("error")).contains("is stopping");
        sendText(session, "anyone?");
        assertThat(awaitError(session, 2).payloadText("error")).contains("not running on this agent");
        assertThat(new String(echoed(session), StandardCharsets.UTF_8)).isEqualTo("ping");
    }

    @Test
    void losingTheControlPlaneSocketClosesTheTunnelAndANewViewerGetsAFreshConnection() {
        String session = "vnc-relink-" + SUFFIX;
        startSession(session);
        sendText(session, "before");
        awaitEchoed(session, 6);
        int connections = controlPlane.connectionCount(AGENT);

        controlPlane.dropConnection(AGENT);
        agent.awaitLog("DockerAgent", l -> l.contains("VNC tunnel(s): the control-plane socket is gone"), WAIT);
        Awaitility.await().atMost(WAIT).until(() -> controlPlane.connectionCount(AGENT) > connections
                && controlPlane.isConnected(AGENT));
        sendText(session, "after");

        assertThat(new String(awaitEchoed(session, 11), StandardCharsets.UTF_8)).isEqualTo("beforeafter");
        assertThat(agent.logLines("DockerAgent").stream()
                .filter(l -> l.startsWith("VNC tunnel of session " + session + " connected"))).hasSize(2);
    }

    // --- docker CLI -------------------------------------------------------------------------------------------

    private record Result(int exitCode, String output) {
        List<String> lines() {
            return output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        }
    }

    private static Result docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("docker " + String.join(" ", args) + " timed out");
        }
        return new Result(process.exitValue(), output);
    }
}
