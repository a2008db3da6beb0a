package io.streamspace.agent.testkit.controlplane;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A hand-rolled agent on the JDK HttpClient/WebSocket, for testing the simulator. */
final class TestAgent {

    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestAgent() {
    }

    static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String registrationBody(String agentId) {
        return """
                {"agentId":"%s","platform":"docker","region":"us-east-1",
                 "capacity":{"maxSessions":10,"cpu":"4 cores","memory":"8Gi","storage":"100Gi"},
                 "metadata":{"version":"test"}}""".formatted(agentId);
    }

    static HttpResponse<String> register(ControlPlaneSimulator sim, String key, String body) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(sim.httpBaseUrl().resolve(ControlPlaneSimulator.REGISTER_PATH))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            rb.header(ControlPlaneSimulator.API_KEY_HEADER, key);
        }
        return send(rb.build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("HTTP request failed: " + request, e);
        }
    }

    static String heartbeat() {
        return "{\"type\":\"heartbeat\",\"timestamp\":\"" + Instant.now() + "\",\"payload\":{\"status\":\"online\","
                + "\"activeSessions\":0,\"capacity\":{\"maxSessions\":10,\"cpu\":\"4 cores\",\"memory\":\"8Gi\"}}}";
    }

    static String message(String type, String payloadJson) {
        return "{\"type\":\"" + type + "\",\"timestamp\":\"" + Instant.now() + "\",\"payload\":" + payloadJson + "}";
    }

    /** Connects; returns the socket. Throws {@link HandshakeFailed} with the HTTP status on refusal. */
    static Socket connect(ControlPlaneSimulator sim, String agentId, String key) {
        URI uri = sim.webSocketBaseUrl().resolve(ControlPlaneSimulator.CONNECT_PATH + "?agent_id="
                + URLEncoder.encode(agentId, StandardCharsets.UTF_8));
        Socket socket = new Socket();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (key != null) {
            b.header(ControlPlaneSimulator.API_KEY_HEADER, key);
        }
        try {
            socket.ws = b.buildAsync(uri, socket).get(10, TimeUnit.SECONDS);
            return socket;
        } catch (Exception e) {
            Throwable c = e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException
                    ? e.getCause() : e;
            if (c instanceof WebSocketHandshakeException h) {
                HttpResponse<?> r = h.getResponse();
                throw new HandshakeFailed(r.statusCode(), String.valueOf(r.body()));
            }
            throw new AssertionError("connect failed", e);
        }
    }

    static final class HandshakeFailed extends RuntimeException {
        final int status;

        HandshakeFailed(int status, String body) {
            super("handshake refused with " + status + ": " + body);
            this.status = status;
        }
    }

    /** A connected test socket that records complete text messages and the fragments they came in. */
    static final class Socket implements WebSocket.Listener {
        volatile WebSocket ws;
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<Integer> partsPerMessage = new CopyOnWriteArrayList<>();
        /** Completed with a description once the socket is closed (close frame) or failed (abrupt). */
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder current = new StringBuilder();
        private int parts;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            synchronized (current) {
                current.append(data);
                parts++;
                if (last) {
                    partsPerMessage.add(parts);
                    messages.add(current.toString());
                    current.setLength(0);
                    parts = 0;
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete("close " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }

        void send(String text) {
            try {
                ws.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
            } catch (RuntimeException e) {
                closed.complete("send failed: " + e);
                throw e;
            }
        }

        /** Sends a ping control frame; returns false (and marks the socket closed) if that failed. */
        boolean ping() {
            try {
                ws.sendPing(ByteBuffer.allocate(0)).orTimeout(10, TimeUnit.SECONDS).join();
                return true;
            } catch (RuntimeException e) {
                closed.complete("ping failed: " + e);
                return false;
            }
        }

        boolean isClosed() {
            return closed.isDone();
        }

        void abort() {
            if (ws != null) {
                ws.abort();
            }
        }
    }
}
