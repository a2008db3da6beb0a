package io.streamspace.agent.adapter.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.application.port.out.ConnectFailedException;
import io.streamspace.agent.application.port.out.ControlPlaneConnection;
import io.streamspace.agent.application.port.out.ControlPlaneGateway;
import io.streamspace.agent.application.port.out.RegistrationOutcome;
import io.streamspace.agent.application.port.out.RegistrationRequest;
import io.streamspace.agent.domain.identity.AgentId;
import io.streamspace.agent.domain.identity.ApiKey;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real StreamSpace control plane over {@code java.net.http}: registration over HTTP, then the WebSocket. */
public final class StreamSpaceGateway implements ControlPlaneGateway, AutoCloseable {

    static final String API_KEY_HEADER = "X-Agent-API-Key";
    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final ControlPlaneEndpoints endpoints;
    private final AgentId agentId;
    private final ApiKey apiKey;
    private final ObjectMapper json;
    private final ProtocolCodec codec;
    private final Timeouts timeouts;
    private final HttpClient http;
    private final ScheduledExecutorService pinger;

    /**
     * @param connect      TCP/TLS connect limit for HTTP calls and the WebSocket upgrade
     * @param request      limit for a whole HTTP exchange and for one send on the socket
     * @param pingInterval WebSocket pings sent by the agent, so a dead TCP path is noticed
     */
    public record Timeouts(Duration connect, Duration request, Duration pingInterval) {
        public static final Timeouts DEFAULT =
                new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(25));
    }

    public StreamSpaceGateway(ControlPlaneEndpoints endpoints, AgentId agentId, ApiKey apiKey, ObjectMapper json,
                              ProtocolCodec codec, Timeouts timeouts) {
        this.endpoints = endpoints;
        this.agentId = agentId;
        this.apiKey = apiKey;
        this.json = json;
        this.codec = codec;
        this.timeouts = timeouts;
        // HTTP/1.1: the WebSocket needs it anyway, and the JDK's default (HTTP/2) adds an h2c upgrade offer to the
        // registration POST of a plain-text control plane, which proxies in front of it need not handle
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeouts.connect())
                .sslContext(ControlPlaneTls.contextFor(endpoints)).build();
        this.pinger = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("websocket-ping").factory());
    }

    @Override
    public String describe() {
        return endpoints.webSocketBase().toString();
    }

    @Override
    public RegistrationOutcome register(RegistrationRequest request) throws InterruptedException {
        LOG.debug("Registering {} at {}", agentId, endpoints.register());
        HttpResponse<String> response;
        try {
            HttpRequest post = HttpRequest.newBuilder(endpoints.register())
                    .timeout(timeouts.request())
                    .header(API_KEY_HEADER, apiKey.reveal())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body(request))))
                    .build();
            response = http.send(post, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return new RegistrationOutcome.Unavailable("no answer from " + endpoints.register() + " within "
                    + timeouts.request().toSeconds() + " s");
        } catch (ConnectException e) {
            return new RegistrationOutcome.Unavailable("cannot connect to " + endpoints.register() + " ("
                    + (e.getMessage() == null ? "connection refused" : e.getMessage()) + ")");
        } catch (IOException e) {
            return new RegistrationOutcome.Unavailable(endpoints.register() + ": " + e);
        }
        return outcome(response);
    }

    private Map<String, Object> body(RegistrationRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agentId", request.agentId());
        body.put("platform", request.platform());
        if (request.region() != null && !request.region().isBlank()) {
            body.put("region", request.region());
        }
        Map<String, Object> capacity = new LinkedHashMap<>();
        capacity.put("maxSessions", request.capacity().maxSessions());
        capacity.put("cpu", request.capacity().cpu());
        capacity.put("memory", request.capacity().memory());
        if (request.capacity().storage() != null) {
            capacity.put("storage", request.capacity().storage());
        }
        body.put("capacity", capacity);
        body.put("metadata", request.metadata());
        return body;
    }

    private RegistrationOutcome outcome(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        String approval = body.path("approvalStatus").asText("");
        if (status == 202) {
            return new RegistrationOutcome.PendingApproval(body.path("message").asText("awaiting approval"));
        }
        if (status == 200 || status == 201) {
            JsonNode agent = body.has("agent") && body.get("agent").isObject() ? body.get("agent") : body;
            return new RegistrationOutcome.Registered(agent.path("id").asText("?"),
                    agent.path("status").asText("online"));
        }
        if (status == 403 && approval.equals("rejected")) {
            return new RegistrationOutcome.Rejected(body.path("message").asText("registration rejected"));
        }
        if (status == 429) {
            long retryAfter = body.path("retryAfter").asLong(
                    response.headers().firstValueAsLong("Retry-After").orElse(60));
            return new RegistrationOutcome.RateLimited(Duration.ofSeconds(Math.max(1, retryAfter)));
        }
        String error = errorText(body, response.body());
        if (status >= 400 && status < 500) {
            return new RegistrationOutcome.Refused(status, error);
        }
        return new RegistrationOutcome.Unavailable("HTTP " + status + ": " + error);
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : json.readTree(body);
            return node == null ? json.createObjectNode() : node;
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private static String errorText(JsonNode body, String raw) {
        String error = body.path("error").asText("");
        String details = body.path("details").asText(body.path("message").asText(""));
        if (error.isEmpty()) {
            return raw == null || raw.isBlank() ? "(empty body)" : ProtocolCodec.excerpt(raw.strip());
        }
        return details.isEmpty() ? error : error + " - " + details;
    }

    @Override
    public ControlPlaneConnection connect(ControlPlaneConnection.Listener listener)
            throws ConnectFailedException, InterruptedException {
        WebSocketConnection connection = new WebSocketConnection(codec, listener, timeouts);
        try {
            WebSocket socket = http.newWebSocketBuilder()
                    .header(API_KEY_HEADER, apiKey.reveal())
                    .connectTimeout(timeouts.connect())
                    .buildAsync(endpoints.connect(agentId.value()), connection)
                    .get(timeouts.connect().toMillis() + timeouts.request().toMillis(), TimeUnit.MILLISECONDS);
            connection.opened(socket);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof WebSocketHandshakeException handshake) {
                int status = handshake.getResponse().statusCode();
                Object body = handshake.getResponse().body();
                String text = body instanceof String s ? errorText(parse(s), s) : "";
                throw new ConnectFailedException(status, "the control plane refused the WebSocket upgrade (HTTP "
                        + status + (text.isEmpty() ? "" : ": " + text) + ")", cause);
            }
            throw new ConnectFailedException(0, "cannot open " + endpoints.connect(agentId.value()) + ": "
                    + (cause == null ? e : cause), cause);
        } catch (TimeoutException e) {
            throw new ConnectFailedException(0, "WebSocket upgrade to " + describe() + " timed out", e);
        }
        long ping = timeouts.pingInterval().toMillis();
        var task = pinger.scheduleAtFixedRate(connection::pingOrAbort, ping, ping, TimeUnit.MILLISECONDS);
        connection.onEnd(() -> task.cancel(false));
        return connection;
    }

    @Override
    public void close() {
        pinger.shutdownNow();
        http.shutdownNow();
    }
}
