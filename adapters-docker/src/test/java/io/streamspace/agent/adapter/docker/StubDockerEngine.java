package io.streamspace.agent.adapter.docker;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An engine on loopback that answers every request the same way, or as a function of the request, and records what
 * was asked ({@code METHOD raw-path?raw-query}), with a {@link DockerClients} connected to it: for the tree reads'
 * tests (EngineReadsTest, StackReadsTest) and the engine races (DockerContainersTest), where a real engine cannot be
 * made to answer wrongly or to lose a race on cue.
 */
public final class StubDockerEngine implements AutoCloseable {

    private final HttpServer server;
    private final DockerClients clients;
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private boolean stopped;

    /** One answer of the stub. */
    public record Reply(int status, String contentType, String body) {
        public static Reply json(int status, String body) {
            return new Reply(status, "application/json", body);
        }
    }

    private StubDockerEngine(Function<String, Reply> replies) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (query == null ? "" : "?" + query);
            asked.add(request);
            Reply reply = replies.apply(request);
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        clients = DockerClients.create("tcp://127.0.0.1:" + server.getAddress().getPort());
    }

    public static StubDockerEngine answering(int status, String contentType, String body) {
        Reply reply = new Reply(status, contentType, body);
        return new StubDockerEngine(request -> reply);
    }

    /** Answers each request ({@code METHOD raw-path?raw-query}) with what {@code replies} gives for it. */
    public static StubDockerEngine replying(Function<String, Reply> replies) {
        return new StubDockerEngine(replies);
    }

    public DockerClients clients() {
        return clients;
    }

    /** The requests so far, in order. */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    /** The engine goes away; the clients stay, pointing at a port nothing listens on. */
    public synchronized void stopAnswering() {
        if (!stopped) {
            stopped = true;
            server.stop(0);
        }
    }

    @Override
    public void close() {
        clients.close();
        stopAnswering();
    }
}
