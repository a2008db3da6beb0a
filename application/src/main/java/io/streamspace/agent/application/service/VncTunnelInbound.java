package io.streamspace.agent.application.service;

import io.streamspace.agent.domain.controlplane.InboundMessage;

/**
 * Where the link hands the VNC tunnel's inbound messages. Calls come from the link's receiving thread and must
 * return quickly (implementations do their I/O elsewhere).
 */
public interface VncTunnelInbound {

    /** {@code vnc_data}: bytes (base64) from the viewer for the session's VNC port. */
    void onData(InboundMessage.VncData data);

    /** {@code vnc_close}: the viewer went away. */
    void onClose(InboundMessage.VncClose close);

    /**
     * The control-plane socket is gone: the viewer connections it carried are gone with it (the control plane
     * does not resume them on a new socket), so every tunnel closes.
     */
    void linkLost();

    /** No tunnel: everything is logged and ignored. */
    VncTunnelInbound NONE = new VncTunnelInbound() {
        private static final System.Logger LOG = System.getLogger("DockerAgent");

        @Override
        public void onData(InboundMessage.VncData data) {
            LOG.log(System.Logger.Level.DEBUG, "vnc_data for {0} ignored: no tunnel is open", data.sessionId());
        }

        @Override
        public void onClose(InboundMessage.VncClose close) {
            LOG.log(System.Logger.Level.DEBUG, "vnc_close for {0} ignored: no tunnel is open", close.sessionId());
        }

        @Override
        public void linkLost() {
            // nothing open
        }
    };
}
