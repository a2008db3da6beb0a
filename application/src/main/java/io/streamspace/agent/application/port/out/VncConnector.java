package io.streamspace.agent.application.port.out;

import java.time.Duration;
import java.util.function.Consumer;

/** Raw TCP connections to a session's VNC port, for the tunnel through the control-plane socket. */
public interface VncConnector {

    /** Whether something accepts TCP connections on host:port within the timeout. */
    boolean accepts(String host, int port, Duration timeout);

    /**
     * Opens a connection. Bytes the container sends are delivered to {@code onData} in chunks of at most
     * 32 KiB, in order, from one thread; {@code onClosed} is called exactly once when the connection ends.
     */
    VncConnection open(String host, int port, Consumer<byte[]> onData, Consumer<String> onClosed)
            throws java.io.IOException;

    interface VncConnection extends AutoCloseable {

        void write(byte[] bytes) throws java.io.IOException;

        @Override
        void close();
    }
}
