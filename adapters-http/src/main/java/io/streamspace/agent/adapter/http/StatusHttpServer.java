package io.streamspace.agent.adapter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Gauge;
import io.streamspace.agent.application.port.in.ActOnSession;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status API and the status panel (the JDK's {@link HttpServer}, one virtual thread per request):
 * <ul>
 *   <li>{@code GET /health}: open to everyone (container health checks). Status ({@code degraded} once the sidecar
 *       watchdog gave up), Vault token age and last refresh (null while Vault is off), command metrics, and in
 *       sidecar mode {@code sidecar} (the watchdog's view of the compose-agent container)</li>
 *   <li>{@code GET /capabilities} (with {@code runtime}, {@code docker} or {@code podman}, once the engine is
 *       known), {@code /api/v1/metrics}, {@code /api/v1/diagnostics/commands}, {@code /metrics}
 *       (Prometheus, with the JVM and process meters)</li>
 *   <li>with a {@link StatusPanel}: the dashboard at {@code /} ({@code /panel/app.js}, {@code /panel/app.css}),
 *       {@code GET /api/v1/sessions}, {@code GET /api/v1/agent}, {@code GET /api/v1/events} (Server-Sent Events),
 *       {@code GET /api/v1/whoami}, {@code POST /api/v1/sessions/{id}/actions/{hibernate|wake|stop}} (write scope),
 *       {@code POST /login} and {@code POST /logout} (the dashboard's cookie)</li>
 * </ul>
 * Every route but {@code /health} needs the token when one is configured: {@code Authorization: Bearer <token>},
 * or the HttpOnly cookie the sign-in form sets. A missing or wrong token gets 401 and is counted
 * ({@code agent_status_unauthorized_total}); the token is never logged. Unknown paths answer 404, another method on
 * a known path 405, both with a JSON body.
 */
public final class StatusHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusHttpServer.class);
    private static final String JSON = "application/json";
    /** Prometheus text exposition format 0.0.4. */
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String COOKIE = "streamspace_status";
    private static final Pattern ACTION = Pattern.compile("/api/v1/sessions/([^/]+)/actions/([a-z_]+)");
    private static final int MAX_FORM_BYTES = 8 * 1024;

    private record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        Response(int status, String contentType, byte[] body) {
            this(status, contentType, body, Map.of());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final QueryAgentStatus status;
    private final ObjectMapper json;
    private final PrometheusMetrics prometheus;
    private final Map<String, Supplier<Response>> reads;
    private final StatusPanel panel;
    private final StatusAccess access;
    private final PanelAssets assets;
    private final EventStream events;
    private final Clock clock = Clock.systemUTC();

    private StatusHttpServer(HttpServer server, QueryAgentStatus status, ObjectMapper json, StatusPanel panel) {
        this.server = server;
        this.status = status;
        this.json = json;
        this.panel = panel;
        this.access = panel == null ? StatusAccess.open() : panel.access();
        this.prometheus = new PrometheusMetrics(status);
        Map<String, Supplier<Response>> routes = new LinkedHashMap<>();
        routes.put("/capabilities", () -> json(200, StatusJson.capabilities(this.status.capabilities(),
                this.status.runtime())));
        routes.put("/api/v1/metrics", () -> json(200, StatusJson.metrics(this.status.commandMetrics(),
                this.status.host())));
        routes.put("/api/v1/diagnostics/commands", () -> json(200,
                StatusJson.commandMetrics(this.status.commandMetrics())));
        routes.put("/metrics", () -> new Response(200, PROMETHEUS_TEXT,
                prometheus.scrape().getBytes(StandardCharsets.UTF_8)));
        if (panel != null) {
            this.assets = new PanelAssets();
            this.events = new EventStream(panel.events(), json, panel.heartbeat(), panel.maxEventClients(),
                    prometheus.counter("agent.status.events.dropped",
                            "Events an SSE client lost because it read too slowly"));
            Gauge.builder("agent.status.event.clients", events, EventStream::clients)
                    .description("Clients following /api/v1/events now").register(prometheus.registry());
            routes.put("/api/v1/sessions", () -> json(200, PanelJson.sessions(panel.sessions().sessions(),
                    clock.instant())));
            routes.put("/api/v1/agent", () -> json(200, PanelJson.agent(panel.agent().describe(), clock.instant(),
                    events.clients())));
        } else {
            this.assets = null;
            this.events = null;
        }
        this.reads = Map.copyOf(routes);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
    }

    /**
     * Binds {@code address:port} and serves the status API without the panel and without a token.
     *
     * @param port 0 picks a free port (see {@link #port()})
     * @throws IOException when the address cannot be bound (e.g. the port is in use)
     */
    public static StatusHttpServer start(String address, int port, QueryAgentStatus status, ObjectMapper json)
            throws IOException {
        return start(address, port, status, json, null);
    }

    /** Binds and serves the status API with the status panel ({@code panel} may be null: the API alone, open). */
    public static StatusHttpServer start(String address, int port, QueryAgentStatus status, ObjectMapper json,
                                         StatusPanel panel) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 0);
        StatusHttpServer statusServer = new StatusHttpServer(server, status, json, panel);
        server.start();
        return statusServer;
    }

    /** The bound port (the chosen one when started with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Stops at once: event streams end; a request still waiting (a session action's answer) is interrupted and gets
     * 503, while the action itself goes on in the session's queue.
     */
    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Status API requests still running after 5 s; leaving them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        prometheus.close();
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            try {
                response = route(exchange, method, path);
            } catch (RuntimeException e) {
                LOG.warn("Status API {} {} failed", method, path, e);
                response = json(500, StatusJson.error("internal error", e.getClass().getSimpleName()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response = json(503, StatusJson.error("stopping", "the agent is stopping"));
            }
            if (response == null) {
                return; // streamed (the event stream)
            }
            send(exchange, response);
        }
    }

    private void send(HttpExchange exchange, Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(response.status(), head || response.body().length == 0 ? -1
                : response.body().length);
        if (!head && response.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    private Response route(HttpExchange exchange, String method, String path) throws IOException,
            InterruptedException {
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (path.equals("/health")) {
            return read ? json(200, StatusJson.health(status.health())) : notAllowed(method, path, "GET, HEAD");
        }
        if (panel != null && path.equals("/login")) {
            return method.equals("POST") ? login(exchange) : notAllowed(method, path, "POST");
        }
        StatusAccess.Decision decision = access.decide(presentedToken(exchange));
        if (!decision.allowed()) {
            prometheus.unauthorized(decision.refusal());
            if (panel != null && read && path.equals("/")) {
                return new Response(401, "text/html; charset=utf-8", assets.login(decision.refusal().equals("invalid")
                        ? "That token is not valid (any more); sign in again." : null), Map.of(
                        "Content-Security-Policy", PanelAssets.LOGIN_CONTENT_SECURITY_POLICY,
                        "WWW-Authenticate", "Bearer realm=\"status\""));
            }
            return new Response(401, JSON, bytes(StatusJson.error("unauthorized", decision.refusal().equals("missing")
                    ? "this route needs the status token: Authorization: Bearer <token>"
                    : "the token is not valid")), Map.of("WWW-Authenticate", "Bearer realm=\"status\""));
        }
        Supplier<Response> reader = reads.get(path);
        if (reader != null) {
            return read ? reader.get() : notAllowed(method, path, "GET, HEAD");
        }
        if (panel == null) {
            return notFound(path);
        }
        if (assets.has(path)) {
            if (!read) {
                return notAllowed(method, path, "GET, HEAD");
            }
            PanelAssets.Asset asset = assets.get(path);
            return new Response(200, asset.contentType(), asset.body(),
                    Map.of("Content-Security-Policy", PanelAssets.CONTENT_SECURITY_POLICY));
        }
        switch (path) {
            case "/api/v1/events" -> {
                if (!method.equals("GET")) {
                    return notAllowed(method, path, "GET");
                }
                if (!events.serve(exchange, lastEventId(exchange))) {
                    return json(503, StatusJson.error("too many event streams", "at most "
                            + panel.maxEventClients() + " clients may follow /api/v1/events at once"));
                }
                return null;
            }
            case "/api/v1/whoami" -> {
                if (!read) {
                    return notAllowed(method, path, "GET, HEAD");
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("token_required", access.tokenRequired());
                body.put("scope", decision.scope().name().toLowerCase(Locale.ROOT));
                body.put("actions", panel.actions() != null && decision.scope() == StatusAccess.Scope.WRITE);
                return json(200, body);
            }
            case "/logout" -> {
                return method.equals("POST") ? new Response(303, "text/plain; charset=utf-8", new byte[0],
                        Map.of("Location", "./", "Set-Cookie", cookie("", exchange) + "; Max-Age=0"))
                        : notAllowed(method, path, "POST");
            }
            default -> {
                Matcher action = ACTION.matcher(path);
                if (action.matches()) {
                    return method.equals("POST") ? act(exchange, decision, action) : notAllowed(method, path, "POST");
                }
                return notFound(path);
            }
        }
    }

    private Response act(HttpExchange exchange, StatusAccess.Decision decision, Matcher match)
            throws InterruptedException {
        String sessionId = URLDecoder.decode(match.group(1), StandardCharsets.UTF_8);
        String name = match.group(2);
        ActOnSession.Action action = ActOnSession.Action.parse(name).orElse(null);
        if (action == null) {
            return json(404, StatusJson.error("not found", "no action " + name + "; use hibernate, wake or stop"));
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(JSON)) {
            // a cross-site form cannot send JSON without a CORS preflight, which this server never grants
            return json(415, StatusJson.error("unsupported media type", "send Content-Type: application/json"));
        }
        if (panel.actions() == null) {
            return json(404, StatusJson.error("not found", "this role offers no session actions"));
        }
        if (decision.scope() != StatusAccess.Scope.WRITE) {
            prometheus.forbidden();
            return json(403, StatusJson.error("forbidden", action.name().toLowerCase(Locale.ROOT)
                    + " needs a token with the write scope (--status-write-token)"));
        }
        ActOnSession.Outcome outcome = panel.actions().act(sessionId, action, "write token");
        prometheus.panelAction(action.command(), outcome.done());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", outcome.status());
        body.put("message", outcome.message());
        body.put("result", outcome.result());
        int code = switch (outcome.status()) {
            case "done" -> 200;
            case "invalid" -> 400;
            case "refused" -> 409;
            default -> 422;
        };
        return json(code, body);
    }

    /** {@code token=...} from the sign-in form: a valid token becomes the HttpOnly cookie. */
    private Response login(HttpExchange exchange) throws IOException {
        String token = null;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_FORM_BYTES + 1);
            if (body.length <= MAX_FORM_BYTES) {
                for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).equals("token")) {
                        token = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).strip();
                    }
                }
            }
        }
        StatusAccess.Decision decision = access.decide(token);
        if (!decision.allowed()) {
            prometheus.unauthorized(decision.refusal());
            return new Response(401, "text/html; charset=utf-8", assets.login(decision.refusal().equals("missing")
                    ? "Enter the status token." : "That token is not valid."),
                    Map.of("Content-Security-Policy", PanelAssets.LOGIN_CONTENT_SECURITY_POLICY));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Location", "./");
        if (access.tokenRequired()) {
            headers.put("Set-Cookie", cookie(URLEncoder.encode(token, StandardCharsets.UTF_8), exchange));
        }
        return new Response(303, "text/plain; charset=utf-8", new byte[0], headers);
    }

    private static String cookie(String value, HttpExchange exchange) {
        String proto = exchange.getRequestHeaders().getFirst("X-Forwarded-Proto");
        return COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict"
                + ("https".equalsIgnoreCase(proto) ? "; Secure" : "");
    }

    /** The bearer token, else the dashboard's cookie; null when neither is there. */
    private static String presentedToken(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) {
                    return URLDecoder.decode(p.substring(COOKIE.length() + 1), StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    /** {@code Last-Event-ID} (sent by a reconnecting browser) or {@code ?after=N}; 0 when neither. */
    private static long lastEventId(HttpExchange exchange) {
        String id = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        String query = exchange.getRequestURI().getRawQuery();
        if (id == null && query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("after=")) {
                    id = pair.substring(6);
                }
            }
        }
        try {
            return id == null ? 0 : Math.max(0, Long.parseLong(id.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static final Set<String> PANEL_ROUTES = Set.of("/", "/api/v1/sessions", "/api/v1/agent",
            "/api/v1/events", "/api/v1/whoami");

    private Response notFound(String path) {
        return json(404, StatusJson.error("not found", "no route " + path + "; see /health, /capabilities,"
                + " /api/v1/metrics, /api/v1/diagnostics/commands, /metrics"
                + (panel == null ? "" : ", " + String.join(", ", PANEL_ROUTES.stream().sorted().toList()))));
    }

    private Response notAllowed(String method, String path, String allow) {
        return new Response(405, JSON, bytes(StatusJson.error("method not allowed", method + " " + path + "; use "
                + allow.replace(", HEAD", ""))), Map.of("Allow", allow));
    }

    private Response json(int code, Object body) {
        return new Response(code, JSON, bytes(body));
    }

    private byte[] bytes(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

}
