package io.streamspace.agent.application.service.vnc;

import io.streamspace.agent.application.port.out.VncConnector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A VNC connector without sockets: records what is opened and written; tests push container bytes by hand. */
final class FakeVncConnector implements VncConnector {

    final List<Conn> opened = new CopyOnWriteArrayList<>();
    final List<String> probes = new CopyOnWriteArrayList<>();
    /** How many probes fail before {@link #accepts} says yes; negative: never. */
    volatile int refuseProbes;
    volatile IOException failOpen;
    final AtomicInteger probeCount = new AtomicInteger();

    @Override
    public boolean accepts(String host, int port, Duration timeout) {
        probes.add(host + ":" + port);
        int n = probeCount.incrementAndGet();
        return refuseProbes >= 0 && n > refuseProbes;
    }

    @Override
    public VncConnection open(String host, int port, Consumer<byte[]> onData, Consumer<String> onClosed)
            throws IOException {
        if (failOpen != null) {
            throw failOpen;
        }
        Conn conn = new Conn(host + ":" + port, onData, onClosed);
        opened.add(conn);
        return conn;
    }

    Conn last() {
        return opened.get(opened.size() - 1);
    }

    static final class Conn implements VncConnection {
        final String target;
        final Consumer<byte[]> onData;
        final Consumer<String> onClosed;
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        volatile boolean closed;
        volatile IOException failWrite;

        Conn(String target, Consumer<byte[]> onData, Consumer<String> onClosed) {
            this.target = target;
            this.onData = onData;
            this.onClosed = onClosed;
        }

        @Override
        public synchronized void write(byte[] bytes) throws IOException {
            if (failWrite != null) {
                throw failWrite;
            }
            if (closed) {
                throw new IOException("closed");
            }
            written.writeBytes(bytes);
        }

        synchronized String writtenText() {
            return written.toString(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                onClosed.accept("closed by the agent");
            }
        }

        /** The container sends bytes (as the reader thread would). */
        void fromContainer(byte[] bytes) {
            onData.accept(bytes);
        }

        /** The container ends the connection. */
        void endedByContainer() {
            closed = true;
            onClosed.accept("closed by the session");
        }
    }
}
