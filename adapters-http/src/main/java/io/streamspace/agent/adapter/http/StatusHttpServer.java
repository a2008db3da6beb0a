package io.streamspace.agent.adapter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status panel's HTTP API (the JDK's {@link HttpServer}, one virtual thread per request), read-only:
 * <ul>
 *   <li>{@code GET /health}: status ({@code degraded} once the sidecar watchdog gave up), Vault token age and last
 *       refresh (null while Vault is off), command metrics, and in sidecar mode {@code sidecar} (the watchdog's
 *       view of the compose-agent container)</li>
 *   <li>{@code GET /capabilities}: compose-agent mode, control plane, version, features, and {@code runtime}
 *       ({@code docker} or {@code podman}) once the engine is known</li>
 *   <li>{@code GET /api/v1/metrics}: command metrics plus {@code host} (load averages, memory)</li>
 *   <li>{@code GET /api/v1/diagnostics/commands}: command metrics</li>
 *   <li>{@code GET /metrics}: Prometheus text format (in sidecar mode with {@code agent_sidecar_restarts} and
 *       {@code agent_sidecar_failed})</li>
 * </ul>
 * Any other path answers 404, another method on a known path 405, both with a JSON body.
 */
public final class StatusHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusHttpServer.class);
    private static final String JSON = "application/json";
    /** Prometheus text exposition format 0.0.4. */
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private record Response(int status, String contentType, byte[] body) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final QueryAgentStatus status;
    private final ObjectMapper json;
    private final PrometheusMetrics prometheus;
    private final Map<String, Supplier<Response>> routes;

    private StatusHttpServer(HttpServer server, QueryAgentStatus status, ObjectMapper json) {
        this.server = server;
        this.status = status;
        this.json = json;
        this.prometheus = new PrometheusMetrics(status);
        this.routes = Map.of(
                "/health", () -> json(200, StatusJson.health(this.status.health())),
                "/capabilities", () -> json(200, StatusJson.capabilities(this.status.capabilities(), this.status.runtime())),
                "/api/v1/metrics", () -> json(200, StatusJson.metrics(this.status.commandMetrics(), this.status.host())),
                "/api/v1/diagnostics/commands", () -> json(200, StatusJson.commandMetrics(this.status.commandMetrics())),
                "/metrics", () -> new Response(200, PROMETHEUS_TEXT,
                        prometheus.scrape().getBytes(StandardCharsets.UTF_8)));
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
    }

    /**
     * Binds {@code address:port} and starts serving.
     *
     * @param port 0 picks a free port (see {@link #port()})
     * @throws IOException when the address cannot be bound (e.g. the port is in use)
     */
    public static StatusHttpServer start(String address, int port, QueryAgentStatus status, ObjectMapper json)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 0);
        StatusHttpServer statusServer = new StatusHttpServer(server, status, json);
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

    /** Stops at once: requests in flight are read-only and may be cut. */
    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                response = route(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
            } catch (RuntimeException e) {
                LOG.warn("Status API {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                response = json(500, StatusJson.error("internal error", e.getClass().getSimpleName()));
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (response.status() == 405) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            }
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(response.status(), head ? -1 : response.body().length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        }
    }

    private Response route(String method, String path) {
        Supplier<Response> route = routes.get(path);
        if (route == null) {
            return json(404, StatusJson.error("not found", "no route " + path + "; see /health, /capabilities,"
                    + " /api/v1/metrics, /api/v1/diagnostics/commands, /metrics"));
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return json(405, StatusJson.error("method not allowed", method + " " + path + "; use GET"));
        }
        return route.get();
    }

    private Response json(int code, Object body) {
        try {
            return new Response(code, JSON, json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
