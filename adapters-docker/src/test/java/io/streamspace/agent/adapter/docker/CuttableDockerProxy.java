package io.streamspace.agent.adapter.docker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of the Docker engine's socket whose connections the test can cut, and which
 * can refuse new ones for a while: a broken event stream and an engine that is briefly unreachable, for real.
 */
final class CuttableDockerProxy implements AutoCloseable {

    private final ServerSocketChannel server;
    private final SocketAddress target;
    private final StandardProtocolFamily family;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean refusing;
    private volatile boolean closed;

    CuttableDockerProxy(String dockerHost) throws IOException {
        URI uri = URI.create(dockerHost);
        if ("unix".equals(uri.getScheme())) {
            target = UnixDomainSocketAddress.of(uri.getPath());
            family = StandardProtocolFamily.UNIX;
        } else {
            target = new InetSocketAddress(uri.getHost(), uri.getPort());
            family = StandardProtocolFamily.INET;
        }
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().name("docker-proxy-accept").start(this::accept);
    }

    String dockerHost() throws IOException {
        return "tcp://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** Closes every connection open right now (both sides). */
    void cut() {
        for (SocketChannel channel : open) {
            closeQuietly(channel);
        }
        open.clear();
    }

    /** While refusing, new connections are accepted and closed at once. */
    void refuse(boolean refuse) {
        this.refusing = refuse;
    }

    /** How many connections were refused so far. */
    int refusedConnections() {
        return refused.get();
    }

    private void accept() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (refusing) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            try {
                SocketChannel upstream = SocketChannel.open(family);
                upstream.connect(target);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pipe(client, upstream));
                Thread.ofVirtual().start(() -> pipe(upstream, client));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pipe(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // cut or closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        cut();
    }
}
