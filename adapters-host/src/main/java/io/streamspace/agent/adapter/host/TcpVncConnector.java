package io.streamspace.agent.adapter.host;

import io.streamspace.agent.application.port.out.VncConnector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link VncConnector} over plain TCP sockets. Each connection has one reader, a virtual thread, that delivers what
 * the container sends in chunks of at most {@link #MAX_CHUNK_BYTES} and then calls {@code onClosed} exactly once:
 * {@value #CLOSED_BY_SESSION} when the container closes, {@value #CLOSED_BY_AGENT} after {@link VncConnection#close()},
 * or a description of the error.
 */
public final class TcpVncConnector implements VncConnector {

    /** Raw bytes per chunk, as the control-plane protocol allows for one {@code vnc_data} message. */
    public static final int MAX_CHUNK_BYTES = 32 * 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final String CLOSED_BY_SESSION = "closed by the session";
    public static final String CLOSED_BY_AGENT = "closed by the agent";

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final Duration connectTimeout;

    /** Connects within {@link #DEFAULT_CONNECT_TIMEOUT}. */
    public TcpVncConnector() {
        this(DEFAULT_CONNECT_TIMEOUT);
    }

    /** Connects within {@code connectTimeout} in {@link #open}. */
    public TcpVncConnector(Duration connectTimeout) {
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
        this.connectTimeout = connectTimeout;
    }

    @Override
    public boolean accepts(String host, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis(timeout));
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public VncConnection open(String host, int port, Consumer<byte[]> onData, Consumer<String> onClosed)
            throws IOException {
        Objects.requireNonNull(onData, "onData");
        Objects.requireNonNull(onClosed, "onClosed");
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(host, port), millis(connectTimeout));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        TcpVncConnection connection = new TcpVncConnection(host + ":" + port, socket, onData, onClosed);
        connection.start();
        return connection;
    }

    private static int millis(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            return 1;
        }
        // 0 would mean "wait forever" to Socket.connect
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    private static final class TcpVncConnection implements VncConnection {

        private final String target;
        private final Socket socket;
        private final Consumer<byte[]> onData;
        private final Consumer<String> onClosed;
        private final ReentrantLock writeLock = new ReentrantLock();
        /** Why the agent closed it; null while open or when the remote side ended it first. */
        private final AtomicReference<String> localCloseReason = new AtomicReference<>();
        private final InputStream in;
        private final OutputStream out;

        TcpVncConnection(String target, Socket socket, Consumer<byte[]> onData, Consumer<String> onClosed)
                throws IOException {
            this.target = target;
            this.socket = socket;
            this.onData = onData;
            this.onClosed = onClosed;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void start() {
            Thread.ofVirtual().name("vnc-reader-" + target).start(this::readLoop);
        }

        /** The only place that calls onData and onClosed, so both come from one thread, onClosed last and once. */
        private void readLoop() {
            String reason;
            byte[] buffer = new byte[MAX_CHUNK_BYTES];
            try {
                while (true) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        reason = CLOSED_BY_SESSION;
                        break;
                    }
                    if (n > 0) {
                        onData.accept(Arrays.copyOf(buffer, n));
                    }
                }
            } catch (IOException e) {
                String local = localCloseReason.get();
                reason = local != null ? local : "connection to " + target + " failed: " + e.getMessage();
            } catch (RuntimeException e) {
                reason = "handling data from " + target + " failed: " + e;
                LOG.warn("VNC connection to {}: {}", target, reason, e);
            }
            closeSocket(reason);
            try {
                onClosed.accept(localCloseReason.get()); // the first reason recorded: ours, or the one above
            } catch (RuntimeException e) {
                LOG.warn("VNC connection to {}: onClosed failed", target, e);
            }
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            Objects.requireNonNull(bytes, "bytes");
            writeLock.lock();
            try {
                if (socket.isClosed()) {
                    throw new IOException("VNC connection to " + target + " is closed");
                }
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                closeSocket("writing to " + target + " failed: " + e.getMessage());
                throw e;
            } finally {
                writeLock.unlock();
            }
        }

        @Override
        public void close() {
            closeSocket(CLOSED_BY_AGENT);
        }

        /** Idempotent; the first reason wins. Closing the socket wakes the reader, which then reports onClosed. */
        private void closeSocket(String reason) {
            localCloseReason.compareAndSet(null, reason);
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("closing VNC connection to {}: {}", target, e.toString());
            }
        }
    }
}
