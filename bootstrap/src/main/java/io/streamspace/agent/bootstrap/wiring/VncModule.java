package io.streamspace.agent.bootstrap.wiring;

import dagger.Module;
import dagger.Provides;
import io.streamspace.agent.adapter.host.TcpVncConnector;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.VncConnector;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.application.service.VncTunnelInbound;
import io.streamspace.agent.application.service.session.SessionSettings;
import io.streamspace.agent.application.service.session.SessionTimers;
import io.streamspace.agent.application.service.session.SessionVnc;
import io.streamspace.agent.application.service.vnc.VncTunnelService;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The VNC tunnel: TCP to the sessions' published VNC ports, relayed through the control-plane socket. */
@Module
public final class VncModule {

    private VncModule() {
    }

    @Provides
    @Singleton
    static VncConnector vncConnector() {
        return new TcpVncConnector();
    }

    /** How long start and wake wait for the VNC port before {@code status running} says {@code vncReady false}. */
    @Provides
    @Named("vncReadyTimeout")
    static Duration vncReadyTimeout() {
        return Duration.ofSeconds(30);
    }

    @Provides
    @Singleton
    static VncTunnelService vncTunnel(SessionRuntime runtime, SessionSettings settings, VncConnector connector,
                                      Provider<ControlPlaneMessages> messages, Provider<SessionTimers> timers,
                                      @Named("vncReadyTimeout") Duration readyTimeout) {
        // the link and the timers both (indirectly) need the tunnel, so they can only be reached lazily here
        return new VncTunnelService(runtime, settings, connector, ControlPlaneMessages.later(messages::get),
                sessionId -> timers.get().recordActivity(sessionId), readyTimeout, settings.pollInterval());
    }

    @Provides
    static VncTunnelInbound vncInbound(VncTunnelService tunnel) {
        return tunnel;
    }

    @Provides
    static SessionVnc sessionVnc(VncTunnelService tunnel) {
        return tunnel;
    }
}
