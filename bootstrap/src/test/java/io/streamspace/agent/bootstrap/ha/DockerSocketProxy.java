package io.streamspace.agent.bootstrap.ha;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Unix socket in front of the local Docker engine, one per agent process ({@code --docker-host unix://...}): it
 * passes every byte through and counts the connections, so a drill can tell exactly which replica touched Docker
 * and when it first did.
 */
final class DockerSocketProxy implements AutoCloseable {

    private static final Path ENGINE = Path.of("/var/run/docker.sock");

    private final Path socket;
    private final ServerSocketChannel server;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Instant firstConnectionAt;
    /** While true, nothing the agent writes reaches the engine (its Docker calls hang, as on a stalled engine). */
    private boolean held;

    private DockerSocketProxy(Path socket) throws IOException {
        this.socket = socket;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().name("docker-proxy-" + socket.getFileName()).start(this::acceptLoop);
    }

    static DockerSocketProxy open(Path socket) throws IOException {
        return new DockerSocketProxy(socket);
    }

    String uri() {
        return "unix://" + socket;
    }

    /** Connections the agent opened to Docker so far. */
    int connections() {
        return connections.get();
    }

    /** When the agent first connected to Docker, or {@code null}. */
    Instant firstConnectionAt() {
        return firstConnectionAt;
    }

    /** From now on the agent's requests wait here, on open connections too, until {@link #release()}. */
    synchronized void hold() {
        held = true;
    }

    synchronized void release() {
        held = false;
        notifyAll();
    }

    private synchronized void awaitReleased() throws InterruptedException {
        while (held) {
            wait();
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (connections.getAndIncrement() == 0) {
                firstConnectionAt = Instant.now();
            }
            Thread.ofVirtual().start(() -> {
                try (client; SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(ENGINE))) {
                    Thread back = Thread.ofVirtual().start(() -> pump(engine, client, false));
                    pump(client, engine, true);
                    back.join();
                } catch (IOException | InterruptedException e) {
                    // the agent or the engine went away
                }
            });
        }
    }

    private void pump(SocketChannel from, SocketChannel to, boolean toEngine) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                if (toEngine) {
                    awaitReleased();
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
