package io.streamspace.agent.bootstrap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Unix socket in front of a Docker engine, one per agent process ({@code --docker-host unix://...}): it passes
 * every byte through, counts the connections and records the request line of every HTTP request, so a test can tell
 * exactly which process touched Docker, when it first did and what it asked; it can also hold the requests back.
 */
public final class DockerSocketProxy implements AutoCloseable {

    private static final Path LOCAL_ENGINE = Path.of("/var/run/docker.sock");
    private static final Pattern REQUEST_LINE = Pattern.compile("(GET|POST|PUT|DELETE|HEAD) (\\S+) HTTP/1\\.[01]\\r\\n");

    private final Path engine;
    private final Path socket;
    private final ServerSocketChannel server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Instant firstConnectionAt;
    /** While true, nothing the agent writes reaches the engine (its Docker calls hang, as on a stalled engine). */
    private boolean held;

    private DockerSocketProxy(Path engine, Path socket) throws IOException {
        this.engine = engine;
        this.socket = socket;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().name("docker-proxy-" + socket.getFileName()).start(this::acceptLoop);
    }

    /** A proxy on {@code socket} in front of the local engine ({@code /var/run/docker.sock}). */
    public static DockerSocketProxy open(Path socket) throws IOException {
        return open(LOCAL_ENGINE, socket);
    }

    /** A proxy on {@code socket} in front of the engine listening on {@code engine}. */
    public static DockerSocketProxy open(Path engine, Path socket) throws IOException {
        return new DockerSocketProxy(engine, socket);
    }

    public String uri() {
        return "unix://" + socket;
    }

    /** Connections the agent opened to Docker so far. */
    public int connections() {
        return connections.get();
    }

    /** When the agent first connected to Docker, or {@code null}. */
    public Instant firstConnectionAt() {
        return firstConnectionAt;
    }

    /** The request lines ({@code METHOD path}) the agent sent so far, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** From now on the agent's requests wait here, on open connections too, until {@link #release()}. */
    public synchronized void hold() {
        held = true;
    }

    public synchronized void release() {
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
                try (client; SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(engine))) {
                    Thread back = Thread.ofVirtual().start(() -> pump(upstream, client, null));
                    pump(client, upstream, new ByteArrayOutputStream());
                    back.join();
                } catch (IOException | InterruptedException e) {
                    // the agent or the engine went away
                }
            });
        }
    }

    /** Copies bytes; {@code seen} is given towards the engine: those bytes wait while held, and are recorded. */
    private void pump(SocketChannel from, SocketChannel to, ByteArrayOutputStream seen) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                if (seen != null) {
                    awaitReleased();
                    recordRequestLines(buffer, seen);
                }
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

    /** Adds the request lines complete in what was seen so far; keeps the rest for the next read. */
    private void recordRequestLines(ByteBuffer buffer, ByteArrayOutputStream seen) {
        seen.write(buffer.array(), 0, buffer.limit());
        Matcher m = REQUEST_LINE.matcher(seen.toString(StandardCharsets.ISO_8859_1));
        List<String> found = new ArrayList<>();
        int end = 0;
        while (m.find()) {
            found.add(m.group(1) + " " + m.group(2));
            end = m.end();
        }
        requests.addAll(found);
        byte[] rest = Arrays.copyOfRange(seen.toByteArray(), end, seen.size());
        seen.reset();
        seen.write(rest, 0, rest.length);
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
