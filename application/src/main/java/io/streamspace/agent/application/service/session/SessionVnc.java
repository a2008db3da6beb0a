package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;

/**
 * What the session handlers need from the VNC tunnel: whether a running session's VNC port accepts connections
 * (for {@code status running}'s {@code vncReady} and for {@code vnc_ready}), and closing the tunnel when the session
 * stops or hibernates. Implemented by the tunnel service; {@link #NONE} keeps the handlers usable without one.
 */
public interface SessionVnc {

    /**
     * Waits, bounded by the implementation's deadline, until the VNC port of {@code running} accepts TCP
     * connections.
     *
     * @return whether it does; false when the session has no VNC port or it never accepted in time
     */
    boolean awaitReady(String sessionId, ContainerState running) throws InterruptedException;

    /**
     * One look, without waiting: whether the VNC port of {@code running} accepts TCP connections now. For
     * reconciliation, which reports every session at once and cannot wait for each.
     */
    default boolean readyNow(String sessionId, ContainerState running) {
        return SessionSupport.vncPort(running).isPresent();
    }

    /** The session stops or hibernates: its tunnel (if any) closes and the viewer is told {@code reason}. */
    void sessionEnded(String sessionId, String reason);

    /** No tunnel: the VNC port counts as ready whenever the template declares one; nothing to close. */
    SessionVnc NONE = new SessionVnc() {
        @Override
        public boolean awaitReady(String sessionId, ContainerState running) {
            return SessionSupport.vncPort(running).isPresent();
        }

        @Override
        public void sessionEnded(String sessionId, String reason) {
            // no tunnel
        }
    };
}
