package io.streamspace.agent.application.service.session;

import static io.streamspace.agent.application.service.session.SessionFixture.command;
import static io.streamspace.agent.application.service.session.SessionFixture.idPayload;
import static io.streamspace.agent.application.service.session.SessionFixture.startPayload;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** How the handlers use {@link SessionVnc}: vncReady and vnc_ready after start and wake, tunnels closed at the end. */
class VncReadinessTest {

    private static final String ID = "alice-firefox-1";

    private final SessionFixture fx = new SessionFixture();
    private final RecordingVnc vnc = new RecordingVnc();
    private final StartSessionHandler start = new StartSessionHandler(fx.runtime, fx.settings, fx.registry,
            fx.capacity, fx.clock, vnc);
    private final WakeSessionHandler wake = new WakeSessionHandler(fx.runtime, fx.settings, fx.registry,
            fx.capacity, fx.clock, vnc);
    private final StopSessionHandler stop = new StopSessionHandler(fx.runtime, fx.settings, fx.registry, vnc);
    private final HibernateSessionHandler hibernate = new HibernateSessionHandler(fx.runtime, fx.settings,
            fx.registry, vnc);

    private static final class RecordingVnc implements SessionVnc {
        volatile boolean ready = true;
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public boolean awaitReady(String sessionId, ContainerState running) {
            calls.add("await " + sessionId + " " + running.status());
            return ready;
        }

        @Override
        public void sessionEnded(String sessionId, String reason) {
            calls.add("ended " + sessionId + ": " + reason);
        }
    }

    private void startSession() throws Exception {
        start.handle(command("cmd-s", StartSessionHandler.ACTION, startPayload(ID)), fx.messages);
    }

    @Test
    void startWaitsForTheVncPortThenSendsStatusRunningWithVncReadyAndThenVncReady() throws Exception {
        startSession();

        assertThat(vnc.calls).containsExactly("await " + ID + " running");
        assertThat(fx.sent).hasSize(2);
        OutboundMessage.SessionStatus status = (OutboundMessage.SessionStatus) fx.sent.get(0);
        assertThat(status.state()).isEqualTo("running");
        assertThat(status.vncReady()).isTrue();
        assertThat(status.vncPort()).isEqualTo(3000);
        assertThat(fx.sent.get(1)).isEqualTo(new OutboundMessage.VncReady(ID, 3000, "streamspace-" + ID));
    }

    @Test
    void aVncPortThatNeverAcceptsGivesVncReadyFalseAndNoVncReady() throws Exception {
        vnc.ready = false;
        startSession();

        assertThat(fx.sent).singleElement().isInstanceOfSatisfying(OutboundMessage.SessionStatus.class, s -> {
            assertThat(s.state()).isEqualTo("running");
            assertThat(s.vncReady()).isFalse();
            assertThat(s.vncPort()).isEqualTo(3000);
        });
    }

    @Test
    void aDuplicateStartOfARunningSessionAlsoReportsVncReady() throws Exception {
        startSession();
        fx.sent.clear();
        startSession();
        assertThat(fx.sent).hasSize(2);
        assertThat(fx.sent.get(1)).isInstanceOf(OutboundMessage.VncReady.class);
    }

    @Test
    void wakeWaitsForTheVncPortAndSendsVncReadyAfterStatusRunning() throws Exception {
        startSession();
        hibernate.handle(command("cmd-h", HibernateSessionHandler.ACTION, idPayload(ID)), fx.messages);
        fx.sent.clear();
        vnc.calls.clear();

        wake.handle(command("cmd-w", WakeSessionHandler.ACTION, idPayload(ID)), fx.messages);

        assertThat(vnc.calls).containsExactly("await " + ID + " running");
        assertThat(fx.sent).hasSize(2);
        assertThat(((OutboundMessage.SessionStatus) fx.sent.get(0)).vncReady()).isTrue();
        assertThat(fx.sent.get(1)).isEqualTo(new OutboundMessage.VncReady(ID, 3000, "streamspace-" + ID));
    }

    @Test
    void hibernateAndStopCloseTheTunnelFirst() throws Exception {
        startSession();
        vnc.calls.clear();

        hibernate.handle(command("cmd-h", HibernateSessionHandler.ACTION, idPayload(ID)), fx.messages);
        stop.handle(command("cmd-x", StopSessionHandler.ACTION, idPayload(ID)), fx.messages);

        assertThat(vnc.calls).containsExactly("ended " + ID + ": session " + ID + " is hibernating",
                "ended " + ID + ": session " + ID + " is stopping");
    }

    @Test
    void withoutATunnelStatusRunningKeepsSayingVncReadyWheneverThereIsAVncPort() throws Exception {
        fx.start.handle(command("cmd-s", StartSessionHandler.ACTION, startPayload(ID)), fx.messages);
        assertThat(fx.sent.get(0)).isInstanceOfSatisfying(OutboundMessage.SessionStatus.class,
                s -> assertThat(s.vncReady()).isTrue());
        assertThat(fx.sent.get(1)).isEqualTo(new OutboundMessage.VncReady(ID, 3000, "streamspace-" + ID));
    }
}
