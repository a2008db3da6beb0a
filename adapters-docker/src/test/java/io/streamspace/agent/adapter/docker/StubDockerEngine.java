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

/**
 * An engine on loopback that gives every request the same answer and records what was asked ({@code METHOD
 * raw-path?raw-query}), with a {@link DockerClients} connected to it: for the tree reads' tests (EngineReadsTest,
 * StackReadsTest), where a real engine cannot be made to answer wrongly.
 */
public final class StubDockerEngine implements AutoCloseable {

    private final HttpServer server;
    private final DockerClients clients;
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private boolean stopped;

    private StubDockerEngine(int status, String contentType, String body) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            asked.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (query == null ? "" : "?" + query));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        clients = DockerClients.create("tcp://127.0.0.1:" + server.getAddress().getPort());
    }

    public static StubDockerEngine answering(int status, String contentType, String body) {
        return new StubDockerEngine(status, contentType, body);
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
