package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;

/** One open WebSocket to the control plane. */
public interface ControlPlaneConnection {

    /**
     * Sends one message and waits until it has been handed to the socket.
     *
     * @throws SendFailedException when the socket is closed or the send did not complete in time; the
     *                             connection is then aborted and {@link Listener#onClosed} follows
     */
    void send(OutboundMessage message) throws SendFailedException;

    boolean isOpen();

    /** Closes the socket normally. */
    void close(String reason);

    /** Receives what the control plane sends; calls come from one thread at a time, in frame order. */
    interface Listener {

        void onMessage(InboundMessage message);

        /** A line that is not a valid message (bad JSON, wrong types, too large); never fatal to the link. */
        void onMalformed(String excerpt, String reason);

        /** The socket is gone, for whatever reason; called exactly once. */
        void onClosed(String reason);
    }

    class SendFailedException extends Exception {
        public SendFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
