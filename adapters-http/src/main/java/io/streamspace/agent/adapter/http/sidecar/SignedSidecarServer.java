package io.streamspace.agent.adapter.http.sidecar;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.application.port.out.TokenSource;
import io.streamspace.agent.domain.sidecar.Rejection;
import io.streamspace.agent.domain.sidecar.RequestVerifier;
import io.streamspace.agent.domain.sidecar.SidecarOperation;
import io.streamspace.agent.domain.sidecar.SignedRequest;
import io.streamspace.agent.domain.sidecar.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compose-agent sidecar's local API: every {@link SessionRuntime} operation (and every {@link StackRuntime}
 * operation as {@code stack_*}, the Compose model as {@link StackWire} JSON) as {@code POST
 * /v1/operations/<name>} with a signed JSON envelope, served by the JDK's {@link HttpServer} (one virtual thread per
 * request). Every request is verified before its body is even parsed: unknown agent, clock skew and bad signature
 * answer 401, a replayed request id 409 {@code replay detected}, too many requests 429 (with {@code Retry-After}),
 * an operation outside the caller's scopes 403. Rejections carry {@code {"error": reason, "detail": ...}}.
 *
 * <p>Answers: 200 {@code {"result": ...}}; 422 {@code {"error": "runtime operation failed", "message": ...}} when
 * the runtime threw {@link RuntimeOperationException}; 400 for arguments it refused. {@code GET /health} is open (it
 * reveals and changes nothing).
 */
public final class SignedSidecarServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SignedSidecarServer.class);
    private static final int MAX_BODY = 1 << 20;
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private record Response(int status, Object body, Map<String, String> headers) {
        Response(int status, Object body) {
            this(status, body, Map.of());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final SessionRuntime runtime;
    private final StackRuntime stacks;
    private final RequestVerifier verifier;
    private final TokenSource tokens;
    private final ObjectMapper json;
    private final Clock clock;
    private final SidecarWatches watches;
    private final java.util.concurrent.atomic.AtomicLong rateLimited = new java.util.concurrent.atomic.AtomicLong();

    private SignedSidecarServer(HttpServer server, SessionRuntime runtime, StackRuntime stacks,
                                RequestVerifier verifier, TokenSource tokens, ObjectMapper json, Clock clock) {
        this.server = server;
        this.runtime = runtime;
        this.stacks = stacks;
        this.verifier = verifier;
        this.tokens = tokens;
        this.json = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.clock = clock;
        this.watches = new SidecarWatches(runtime, clock);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
    }

    /**
     * Binds and starts serving.
     *
     * @param address the loopback or private address to listen on; port 0 picks a free port
     */
    public static SignedSidecarServer start(InetSocketAddress address, SessionRuntime runtime,
                                            RequestVerifier verifier, TokenSource tokens, ObjectMapper json,
                                            Clock clock) throws IOException {
        return start(address, runtime, null, verifier, tokens, json, clock);
    }

    /**
     * Binds and starts serving sessions and, when {@code stacks} is given, the {@code stack_*} operations.
     *
     * @param stacks the stack runtime, or null to answer the stack operations 501 {@code not implemented}
     */
    public static SignedSidecarServer start(InetSocketAddress address, SessionRuntime runtime, StackRuntime stacks,
                                            RequestVerifier verifier, TokenSource tokens, ObjectMapper json,
                                            Clock clock) throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        SignedSidecarServer sidecar = new SignedSidecarServer(server, runtime, stacks, verifier, tokens, json, clock);
        server.start();
        return sidecar;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** How many requests were refused with 429 since the start (diagnostics). */
    public long rateLimitedSoFar() {
        return rateLimited.get();
    }

    /** Closes every open watch and stops at once. */
    @Override
    public void close() {
        watches.closeAll();
        server.stop(0);
        executor.close();
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                response = handle(exchange);
            } catch (RuntimeException e) {
                LOG.warn("Sidecar API {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                response = new Response(500, error("internal error", e.getClass().getSimpleName()));
            }
            byte[] body = json.writeValueAsBytes(response.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private Response handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/health")) {
            return method.equals("GET") ? new Response(200, Map.of("status", "ok", "role", "compose-agent"))
                    : new Response(405, error("method not allowed", method + " " + path + "; use GET"));
        }
        if (!path.startsWith(RequestSigning.OPERATIONS_PATH)) {
            return new Response(404, error("not found", "no route " + path));
        }
        Optional<SidecarOperation> operation =
                SidecarOperation.parse(path.substring(RequestSigning.OPERATIONS_PATH.length()));
        if (operation.isEmpty()) {
            return new Response(404, error("not found", "no operation " + path));
        }
        if (!method.equals("POST")) {
            return new Response(405, error("method not allowed", method + " " + path + "; use POST"));
        }
        byte[] body = readBody(exchange.getRequestBody());
        if (body == null) {
            return new Response(413, error("body too large", "at most " + MAX_BODY + " bytes"));
        }
        var headers = exchange.getRequestHeaders();
        SignedRequest request = new SignedRequest(headers.getFirst(RequestSigning.AGENT_ID),
                headers.getFirst(RequestSigning.TIMESTAMP), headers.getFirst(RequestSigning.REQUEST_ID),
                RequestSigning.decode(headers.getFirst(RequestSigning.SIGNATURE)));
        Verdict verdict = verifier.verify(request,
                agent -> tokens.tokenFor(agent).map(token -> RequestSigning.hmac(token, body)),
                operation.get(), clock.instant());
        if (!verdict.accepted() && verdict.rejection() == Rejection.BAD_SIGNATURE && mayRefreshToken()) {
            // the peer may already sign with a rotated token: read ours again once before refusing (a bad
            // signature is not remembered by the replay cache, so checking the same request again is safe)
            tokens.refresh();
            verdict = verifier.verify(request,
                    agent -> tokens.tokenFor(agent).map(token -> RequestSigning.hmac(token, body)),
                    operation.get(), clock.instant());
        }
        if (!verdict.accepted()) {
            Rejection rejection = verdict.rejection();
            LOG.warn("Sidecar API refused {} from agent '{}' ({}): {} - {}", operation.get().wireName(),
                    request.agentId(), exchange.getRemoteAddress(), rejection.reason(), verdict.detail());
            if (rejection == Rejection.RATE_LIMITED) {
                rateLimited.incrementAndGet();
            }
            return rejected(verdict);
        }
        SidecarEnvelope envelope;
        try {
            envelope = json.readValue(body, SidecarEnvelope.class);
        } catch (IOException e) {
            return new Response(400, error("bad request", "the body is not a JSON envelope: " + e.getMessage()));
        }
        if (!operation.get().wireName().equals(envelope.operation())
                || !request.requestId().equals(envelope.requestId())
                || !request.timestamp().strip().equals(Long.toString(envelope.timestamp()))) {
            return new Response(400, error("bad request", "the signed envelope does not match the path and headers"
                    + " (operation, request_id, timestamp)"));
        }
        if (operation.get().wireName().startsWith("stack_") && stacks == null) {
            return new Response(501, error("not implemented", "this sidecar does not serve compose stacks"));
        }
        try {
            return new Response(200, result(execute(operation.get(),
                    envelope.args() == null ? json.createObjectNode() : envelope.args())));
        } catch (RuntimeOperationException e) {
            return new Response(422, Map.of("error", "runtime operation failed", "message", String.valueOf(e.getMessage())));
        } catch (IllegalArgumentException e) {
            return new Response(400, Map.of("error", "bad request", "message", String.valueOf(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(503, error("interrupted", "the sidecar is stopping"));
        }
    }

    /** At most one token refresh every 5 s, so forged signatures cannot turn into a flood of secret-store reads. */
    private boolean mayRefreshToken() {
        long now = System.nanoTime();
        long last = lastTokenRefresh.get();
        return now - last >= java.util.concurrent.TimeUnit.SECONDS.toNanos(5) && lastTokenRefresh.compareAndSet(last, now);
    }

    private final java.util.concurrent.atomic.AtomicLong lastTokenRefresh =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - java.util.concurrent.TimeUnit.SECONDS.toNanos(10));

    private static Response rejected(Verdict verdict) {
        Rejection rejection = verdict.rejection();
        Map<String, Object> body = new LinkedHashMap<>(error(rejection.reason(), verdict.detail()));
        return switch (rejection) {
            case MALFORMED, UNKNOWN_AGENT, CLOCK_SKEW, BAD_SIGNATURE -> new Response(401, body);
            case REPLAY -> new Response(409, body);
            case SCOPE -> new Response(403, body);
            case RATE_LIMITED, REPLAY_CACHE_FULL -> {
                long millis = Math.max(1, verdict.retryAfter().toMillis());
                body.put("retry_after_ms", millis);
                yield new Response(429, body, Map.of("Retry-After", Long.toString((millis + 999) / 1000)));
            }
        };
    }

    private Object execute(SidecarOperation operation, JsonNode args) throws InterruptedException {
        return switch (operation) {
            case INFO -> runtime.info();
            case ENSURE_NETWORK -> runtime.ensureNetwork(text(args, "name"), labels(args, "ownerLabels"));
            case FIND_NETWORKS -> runtime.findNetworks(labels(args, "labels"));
            case REMOVE_NETWORK -> runtime.removeNetwork(text(args, "name"), labels(args, "ownerLabels"));
            case IMAGE_PRESENT -> runtime.imagePresent(text(args, "image"));
            case PULL_IMAGE -> {
                List<String> progress = new ArrayList<>();
                runtime.pullImage(text(args, "image"), line -> {
                    synchronized (progress) {
                        if (progress.size() < 1000) {
                            progress.add(line);
                        }
                    }
                });
                synchronized (progress) {
                    yield Map.of("progress", List.copyOf(progress));
                }
            }
            case ENSURE_VOLUME -> runtime.ensureVolume(text(args, "name"), text(args, "driver"),
                    labels(args, "ownerLabels"));
            case FIND_VOLUMES -> runtime.findVolumes(labels(args, "labels"));
            case REMOVE_VOLUME -> runtime.removeVolume(text(args, "name"), labels(args, "ownerLabels"));
            case CREATE_AND_START -> runtime.createAndStart(convert(args.get("spec"), ContainerSpec.class));
            case INSPECT -> runtime.inspect(text(args, "name")).orElse(null);
            case FIND_CONTAINERS -> runtime.findContainers(labels(args, "labels"));
            case LIST_CONTAINERS -> runtime.listContainers(labels(args, "labels"));
            case USAGE -> usageWire(runtime.usage(labels(args, "labels")));
            case REMOVE_CONTAINER -> runtime.removeContainer(text(args, "name"), labels(args, "ownerLabels"));
            case STOP_CONTAINER -> {
                runtime.stopContainer(text(args, "name"), labels(args, "ownerLabels"),
                        Duration.ofMillis(args.path("graceMillis").asLong(10_000)));
                yield true;
            }
            case START_CONTAINER -> {
                runtime.startContainer(text(args, "name"), labels(args, "ownerLabels"));
                yield true;
            }
            case PAUSE_CONTAINER -> {
                runtime.pauseContainer(text(args, "name"), labels(args, "ownerLabels"));
                yield true;
            }
            case UNPAUSE_CONTAINER -> {
                runtime.unpauseContainer(text(args, "name"), labels(args, "ownerLabels"));
                yield true;
            }
            case WATCH_OPEN -> Map.of("watchId", watches.open(labels(args, "labels"),
                    Math.max(0, args.path("sinceNanos").asLong(0))));
            case WATCH_POLL -> watches.poll(text(args, "watchId"), args.path("cursor").asLong(0),
                    Duration.ofMillis(Math.min(30_000, Math.max(0, args.path("waitMillis").asLong(0)))));
            case WATCH_CLOSE -> watches.close(text(args, "watchId"));
            case STACK_UP -> stacks.up(StackWire.toDomain(convert(args.get("model"), StackWire.Model.class)),
                    StackWire.toDomain(convert(args.get("context"), StackWire.Context.class)));
            case STACK_DOWN -> stacks.down(project(args), args.path("removeVolumes").asBoolean(false));
            case STACK_PS -> stacks.ps(project(args));
            case STACK_LOGS -> Map.of("logs", stacks.logs(project(args), text(args, "service"),
                    args.path("tail").asInt(100)));
            case STACK_RESTART -> stacks.restart(project(args), services(args));
            case STACK_STOP -> stacks.stop(project(args), services(args));
            case STACK_START -> stacks.start(project(args), services(args));
            case STACK_PULL -> stacks.pull(StackWire.toDomain(convert(args.get("model"), StackWire.Model.class)));
        };
    }

    private static Map<String, Object> result(Object result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("result", result); // null for an inspect that found nothing
        return body;
    }

    private static String text(JsonNode args, String field) {
        JsonNode node = args.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String project(JsonNode args) {
        String project = text(args, "project");
        if (project == null || project.isBlank()) {
            throw new IllegalArgumentException("missing argument: project");
        }
        return project;
    }

    private List<String> services(JsonNode args) {
        JsonNode node = args.get("services");
        return node == null || node.isNull() ? List.of() : convert(node, STRINGS);
    }

    private Map<String, String> labels(JsonNode args, String field) {
        JsonNode node = args.get(field);
        return node == null || node.isNull() ? null : convert(node, LABELS);
    }

    private <T> T convert(JsonNode node, Class<T> type) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("missing argument of type " + type.getSimpleName());
        }
        return json.convertValue(node, type);
    }

    private <T> T convert(JsonNode node, TypeReference<T> type) {
        return json.convertValue(node, type);
    }

    private static Map<String, Object> error(String error, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("detail", detail);
        return body;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        return body.length > MAX_BODY ? null : body;
    }

    /** Readings with {@code readAt} as RFC 3339 text (the API's mapper has no java.time support). */
    private static Map<String, Map<String, Object>> usageWire(Map<String, SessionRuntime.ResourceUsage> usage) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        usage.forEach((name, u) -> out.put(name, Map.of("cpuTotalNanos", u.cpuTotalNanos(),
                "memoryBytes", u.memoryBytes(), "memoryLimitBytes", u.memoryLimitBytes(),
                "readAt", u.readAt().toString())));
        return out;
    }
}
