package io.streamspace.agent.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The baseline of the acknowledgement latency: a plain WebSocket echo on loopback, built from the same parts as
 * the path of a command and its {@code ack} (a Jetty server like the simulator's, the JDK client like the
 * agent's), with nothing in between. {@link Sampler} measures round trips of a command-sized message while the
 * agent is under load.
 */
final class EchoServer implements AutoCloseable {

    private final Server server;
    private final int port;

    EchoServer() throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("echo");
        server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server,
                c -> {
                    c.setIdleTimeout(Duration.ZERO); // the sampler may pause between storms
                    c.addMapping("/echo", (req, resp, cb) -> new Echo());
                });
        server.setHandler(upgrade);
        server.start();
        port = connector.getLocalPort();
    }

    /** Jetty endpoint: sends every text message back. Public because Jetty invokes it reflectively. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private volatile Session session;

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText(message, Callback.NOOP);
        }

        /** The sampler's own side reports its failures; a socket it closed is not one here. */
        @Override
        public void onWebSocketError(Throwable cause) {
            // nothing to do: Jetty closes the session
        }
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + port + "/echo");
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Round trips, one in flight at a time, from {@link #start()} until {@link #stop()}; samples in ms. */
    static final class Sampler implements WebSocket.Listener, AutoCloseable {
        private final WebSocket socket;
        private final String message;
        private final SynchronousQueue<String> replies = new SynchronousQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final List<Double> samples = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean running;
        private Thread thread;

        Sampler(URI uri, String message) throws Exception {
            this.message = message;
            this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, this)
                    .get(10, TimeUnit.SECONDS);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    replies.put(text);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            webSocket.request(1);
            return CompletableFuture.completedFuture(null);
        }

        /** Samples every {@code pauseMillis} until stopped. */
        void start(long pauseMillis) {
            running = true;
            thread = Thread.ofPlatform().name("echo-sampler").start(() -> {
                while (running) {
                    try {
                        long t = System.nanoTime();
                        socket.sendText(message, true).get(10, TimeUnit.SECONDS);
                        String reply = replies.poll(10, TimeUnit.SECONDS);
                        if (reply == null) {
                            throw new IllegalStateException("echo did not answer within 10 s");
                        }
                        samples.add((System.nanoTime() - t) / 1e6);
                        Thread.sleep(pauseMillis);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }

        List<Double> stop() throws InterruptedException {
            running = false;
            thread.join(15_000);
            List<Double> copy = new ArrayList<>(samples);
            samples.clear();
            return copy;
        }

        /** A close handshake, so the echo sees the socket end normally (abort only when it does not answer). */
        @Override
        public void close() {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // the echo is gone or did not answer: the abort below ends the socket anyway
            } finally {
                socket.abort();
            }
        }
    }
}
