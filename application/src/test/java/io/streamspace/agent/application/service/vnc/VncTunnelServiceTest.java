package io.streamspace.agent.application.service.vnc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.port.out.SessionRuntime.PortSpec;
import io.streamspace.agent.application.service.FakeRuntime;
import io.streamspace.agent.application.service.session.SessionLabels;
import io.streamspace.agent.application.service.session.SessionSettings;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class VncTunnelServiceTest {

    private static final String AGENT = "agent-1";
    private static final String SESSION = "alice-vnc-1";
    private static final String NAME = SessionSettings.containerName(SESSION);

    private final FakeRuntime runtime = new FakeRuntime();
    private final SessionSettings settings = SessionSettings.defaults(AGENT);
    private final FakeVncConnector connector = new FakeVncConnector();
    private final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
    private final List<String> activity = new CopyOnWriteArrayList<>();
    private final VncTunnelService tunnel = new VncTunnelService(runtime, settings, connector, sent::add,
            activity::add, Duration.ofMillis(200), Duration.ofMillis(1));

    private ContainerState runSession(String sessionId, Map<String, String> extraLabels, Integer vncPort) {
        Map<String, String> labels = new HashMap<>(settings.sessionSelector(sessionId));
        if (vncPort != null) {
            labels.put(SessionLabels.VNC_PORT, vncPort.toString());
        }
        labels.putAll(extraLabels);
        return runtime.createAndStart(new ContainerSpec(SessionSettings.containerName(sessionId),
                "streamspace-test/vnc-echo:latest", Map.copyOf(labels), Map.of(), 0, 0, "streamspace", List.of(),
                List.of(new PortSpec(8080, "tcp"), new PortSpec(5900, "tcp")), "127.0.0.1", "unless-stopped", true,
                512));
    }

    private void data(String sessionId, String text) {
        tunnel.onData(new InboundMessage.VncData(sessionId, b64(text.getBytes(StandardCharsets.UTF_8))));
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private List<OutboundMessage.VncError> errors() {
        return sent.stream().filter(OutboundMessage.VncError.class::isInstance)
                .map(OutboundMessage.VncError.class::cast).toList();
    }

    private OutboundMessage.VncError awaitError() {
        await().atMost(Duration.ofSeconds(5)).until(() -> !errors().isEmpty());
        return errors().get(0);
    }

    @Test
    void theFirstVncDataOpensOneConnectionToThePublishedVncPortAndLaterOnesReuseIt() {
        ContainerState c = runSession(SESSION, Map.of(), 5900);
        int hostPort = c.publishedPorts().get(5900);

        data(SESSION, "hel");
        data(SESSION, "lo");

        await().atMost(Duration.ofSeconds(5)).until(() -> !connector.opened.isEmpty()
                && connector.last().writtenText().equals("hello"));
        assertThat(connector.opened).hasSize(1);
        assertThat(connector.last().target).isEqualTo("127.0.0.1:" + hostPort);
        assertThat(tunnel.isOpen(SESSION)).isTrue();
        assertThat(errors()).isEmpty();
        assertThat(activity).containsOnly(SESSION).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void anEmptyVncDataOpensTheConnectionWithoutWriting() {
        runSession(SESSION, Map.of(), 5900);
        tunnel.onData(new InboundMessage.VncData(SESSION, ""));
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.opened.size() == 1);
        assertThat(connector.last().written.size()).isZero();
        assertThat(activity).isEmpty();
    }

    @Test
    void bytesFromTheContainerGoBackInOrderAsBase64ChunksOfAtMost32KiB() {
        runSession(SESSION, Map.of(), 5900);
        data(SESSION, "x");
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.opened.size() == 1);
        byte[] big = new byte[100 * 1024 + 7];
        new Random(42).nextBytes(big);

        connector.last().fromContainer(big);
        connector.last().fromContainer("tail".getBytes(StandardCharsets.UTF_8));

        List<OutboundMessage.VncData> chunks = sent.stream().filter(OutboundMessage.VncData.class::isInstance)
                .map(OutboundMessage.VncData.class::cast).toList();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (OutboundMessage.VncData chunk : chunks) {
            assertThat(chunk.sessionId()).isEqualTo(SESSION);
            byte[] raw = Base64.getDecoder().decode(chunk.base64Data());
            assertThat(raw.length).isBetween(1, VncTunnelService.MAX_CHUNK_BYTES);
            all.writeBytes(raw);
        }
        assertThat(chunks).hasSize(5);
        byte[] expected = new byte[big.length + 4];
        System.arraycopy(big, 0, expected, 0, big.length);
        System.arraycopy("tail".getBytes(StandardCharsets.UTF_8), 0, expected, big.length, 4);
        assertThat(all.toByteArray()).isEqualTo(expected);
        assertThat(activity).contains(SESSION);
    }

    @Test
    void vncCloseClosesTheConnectionQuietlyAndTheNextVncDataOpensAFreshOne() {
        runSession(SESSION, Map.of(), 5900);
        data(SESSION, "one");
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.opened.size() == 1
                && connector.last().writtenText().equals("one"));
        FakeVncConnector.Conn first = connector.last();

        tunnel.onClose(new InboundMessage.VncClose(SESSION, "client_disconnect"));
        assertThat(first.closed).isTrue();
        assertThat(tunnel.isOpen(SESSION)).isFalse();

        data(SESSION, "two");
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.opened.size() == 2
                && connector.last().writtenText().equals("two"));
        assertThat(first.writtenText()).isEqualTo("one");
        assertThat(errors()).isEmpty();
    }

    @Test
    void vncCloseWithoutATunnelIsIgnored() {
        tunnel.onClose(new InboundMessage.VncClose(SESSION, null));
        assertThat(sent).isEmpty();
    }

    @Test
    void anUnknownSessionGetsAVncError() {
        data("nobody-here-1", "hello");
        OutboundMessage.VncError error = awaitError();
        assertThat(error.sessionId()).isEqualTo("nobody-here-1");
        assertThat(error.error()).contains("not running on this agent");
        assertThat(connector.opened).isEmpty();
        assertThat(tunnel.isOpen("nobody-here-1")).isFalse();
    }

    @Test
    void aForeignContainerGetsAVncErrorAndIsNeverConnected() {
        runtime.put(NAME, "evil:1", Map.of(SessionLabels.SESSION_ID, SESSION, SessionLabels.VNC_PORT, "5900"),
                "running");
        data(SESSION, "hello");
        assertThat(awaitError().error()).contains("not managed by this agent");
        assertThat(connector.opened).isEmpty();
    }

    @Test
    void aSessionThatIsNotRunningGetsAVncError() {
        runSession(SESSION, Map.of(), 5900);
        runtime.box(NAME).status = "exited";
        data(SESSION, "hello");
        assertThat(awaitError().error()).contains("is not running").contains("exited");
    }

    @Test
    void aSessionWithoutAVncPortGetsAVncError() {
        runSession(SESSION, Map.of(), null);
        data(SESSION, "hello");
        assertThat(awaitError().error()).contains("has no VNC port");
    }

    @Test
    void anUnpublishedVncPortGetsAVncError() {
        runSession(SESSION, Map.of(), 6000);
        data(SESSION, "hello");
        assertThat(awaitError().error()).contains("VNC port 6000").contains("not published");
    }

    @Test
    void badBase64AndBadSessionIdsGetAVncErrorAtOnce() {
        tunnel.onData(new InboundMessage.VncData(SESSION, "not base64!"));
        tunnel.onData(new InboundMessage.VncData("../etc", b64(new byte[] {1})));
        assertThat(errors()).hasSize(2);
        assertThat(errors().get(0).sessionId()).isEqualTo(SESSION);
        assertThat(errors().get(0).error()).contains("not valid base64");
        assertThat(errors().get(1).error()).contains("no valid session id");
    }

    @Test
    void badBase64ClosesAnOpenTunnel() {
        runSession(SESSION, Map.of(), 5900);
        data(SESSION, "hi");
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.opened.size() == 1);
        tunnel.onData(new InboundMessage.VncData(SESSION, "%%%"));
        assertThat(connector.last().closed).isTrue();
        assertThat(errors()).singleElement().satisfies(e -> assertThat(e.error()).contains("base64"));
    }

    @Test
    void aConnectFailureGetsAVncErrorWithTheReasonAndALaterVncDataTriesAgain() {
        runSession(SESSION, Map.of(), 5900);
        connector.failOpen = new IOException("Connection refused");
        data(SESSION, "hello");
        assertThat(awaitError().error()).contains("cannot connect to the VNC port").contains("Connection refused");
        await().atMost(Duration.ofSeconds(5)).until(() -> !tunnel.isOpen(SESSION));

        connector.failOpen = null;
        data(SESSION, "again");
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.opened.size() == 1
                && connector.last().writtenText().equals("again"));
    }

    @Test
    void aWriteFailureGetsAVncErrorAndClosesTheConnection() {
        runSession(SESSION, Map.of(), 5900);
        data(SESSION, "a");
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.opened.size() == 1);
        connector.last().failWrite = new IOException("Broken pipe");
        data(SESSION, "b");
        assertThat(awaitError().error()).contains("writing to the VNC port").contains("Broken pipe");
        assertThat(connector.last().closed).isTrue();
        assertThat(tunnel.isOpen(SESSION)).isFalse();
    }

    @Test
    void theContainerEndingTheConnectionSendsAVncError() {
        runSession(SESSION, Map.of(), 5900);
        data(SESSION, "a");
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.opened.size() == 1);
        connector.last().endedByContainer();
        assertThat(awaitError().error()).contains("closed by the session");
        assertThat(tunnel.isOpen(SESSION)).isFalse();
    }

    @Test
    void theEndOfASessionClosesItsTunnelAndTellsTheViewerWhy() {
        runSession(SESSION, Map.of(), 5900);
        data(SESSION, "a");
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.opened.size() == 1);
        tunnel.sessionEnded(SESSION, "session alice-vnc-1 is stopping");
        assertThat(connector.last().closed).isTrue();
        assertThat(errors()).singleElement()
                .isEqualTo(new OutboundMessage.VncError(SESSION, "session alice-vnc-1 is stopping"));
        tunnel.sessionEnded("other-session-1", "no tunnel, nothing sent");
        assertThat(errors()).hasSize(1);
    }

    @Test
    void losingTheLinkClosesEveryTunnelQuietly() {
        runSession(SESSION, Map.of(), 5900);
        runSession("bob-vnc-2", Map.of(), 5900);
        data(SESSION, "a");
        data("bob-vnc-2", "b");
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.opened.size() == 2);
        tunnel.linkLost();
        assertThat(connector.opened).allSatisfy(c -> assertThat(c.closed).isTrue());
        assertThat(tunnel.isOpen(SESSION)).isFalse();
        assertThat(tunnel.isOpen("bob-vnc-2")).isFalse();
        assertThat(sent).isEmpty();
    }

    @Test
    void awaitReadyPollsThePublishedVncPortUntilItAccepts() throws Exception {
        ContainerState c = runSession(SESSION, Map.of(), 5900);
        connector.refuseProbes = 3;
        assertThat(tunnel.awaitReady(SESSION, runtime.inspect(NAME).orElseThrow())).isTrue();
        assertThat(connector.probes).hasSize(4).containsOnly("127.0.0.1:" + c.publishedPorts().get(5900));
    }

    @Test
    void awaitReadyGivesUpAtTheDeadline() throws Exception {
        runSession(SESSION, Map.of(), 5900);
        connector.refuseProbes = -1;
        long started = System.nanoTime();
        assertThat(tunnel.awaitReady(SESSION, runtime.inspect(NAME).orElseThrow())).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(connector.probes).isNotEmpty();
    }

    @Test
    void awaitReadyIsFalseAtOnceWithoutAVncPort() throws Exception {
        runSession(SESSION, Map.of(), null);
        assertThat(tunnel.awaitReady(SESSION, runtime.inspect(NAME).orElseThrow())).isFalse();
        assertThat(connector.probes).isEmpty();
    }

    @Test
    void portsPublishedOnEveryAddressAreReachedOnLoopback() {
        VncTunnelService anyAddress = new VncTunnelService(runtime, new SessionSettings(AGENT, "streamspace",
                "local", "0.0.0.0", "/config", settings.hibernateMode(), 4, 512, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofMillis(5)), connector, sent::add, activity::add, Duration.ZERO,
                Duration.ofMillis(1));
        runSession(SESSION, Map.of(), 5900);
        anyAddress.onData(new InboundMessage.VncData(SESSION, ""));
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.opened.size() == 1);
        assertThat(connector.last().target).startsWith("127.0.0.1:");
    }
}
