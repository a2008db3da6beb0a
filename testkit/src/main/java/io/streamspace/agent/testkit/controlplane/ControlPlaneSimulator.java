package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A strict, in-process simulator of the StreamSpace control plane's agent API (see
 * {@code docs/control-plane-protocol.md}): registration, the agent WebSocket, liveness, rate limiting, the
 * command and session tables, plus a recording API for tests and a tiny JSON dev console under {@code /dev/}.
 *
 * <p>It only binds to 127.0.0.1. All public methods are thread-safe.
 */
public final class ControlPlaneSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("ControlPlaneSimulator");

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public static final String API_KEY_HEADER = "X-Agent-API-Key";
    public static final String REGISTER_PATH = "/api/v1/agents/register";
    public static final String CONNECT_PATH = "/api/v1/agents/connect";
    /** Max WebSocket message size on the CP (512 KiB). */
    public static final int MAX_MESSAGE_SIZE = 512 * 1024;

    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern SQL_LIKE = Pattern.compile(
            "(?i)\\b(union\\s+(all\\s+)?select|select\\s+.+\\s+from|insert\\s+into|drop\\s+table|delete\\s+from"
                    + "|update\\s+\\w+\\s+set|or\\s+1\\s*=\\s*1)\\b");
    private static final DateTimeFormatter RFC3339_NANO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    // configuration
    private final int requestedPort;
    private final String bootstrapKey;
    private final Duration livenessTimeout;
    private final Duration livenessCheckInterval;
    private final Duration pingInterval;
    private final Duration readDeadline;
    private final ZoneOffset serverOffset;
    private final RateLimiter rateLimiter;
    private final AgentMessageDecoder messageDecoder = new AgentMessageDecoder(MAPPER);
    private final RegistrationDecoder registrationDecoder = new RegistrationDecoder(MAPPER);

    /** Guards every field below; notified on every change so that the await methods wake up. */
    private final Object lock = new Object();

    // the CP "database" (survives restart)
    private final Map<String, AgentRow> agents = new LinkedHashMap<>();
    private final Map<String, Approval> approvals = new HashMap<>();
    private final Map<String, CommandRow> commands = new LinkedHashMap<>();
    private final Map<String, SessionRow> sessions = new LinkedHashMap<>();

    // per run (reset by stop/restart)
    private final Set<String> registeredSinceStart = new HashSet<>();
    private final Map<String, AgentConnection> connections = new HashMap<>();

    // recordings (survive restart)
    private final Map<String, List<ReceivedMessage>> received = new HashMap<>();
    private final Map<String, List<String>> sent = new HashMap<>();
    private final List<RecordedRegistration> registrations = new ArrayList<>();
    private final Map<String, Integer> connectionCounts = new HashMap<>();

    // lifecycle (guarded by "this")
    private Server server;
    private ServerWebSocketContainer wsContainer;
    private ScheduledExecutorService scheduler;
    private volatile int boundPort;

    private ControlPlaneSimulator(Builder b) {
        this.requestedPort = b.port;
        this.bootstrapKey = b.bootstrapKey;
        this.livenessTimeout = b.livenessTimeout;
        this.livenessCheckInterval = b.livenessCheckInterval;
        this.pingInterval = b.pingInterval;
        this.readDeadline = b.readDeadline;
        this.serverOffset = b.serverOffset;
        this.rateLimiter = new RateLimiter(b.rateLimitPerMinute, TimeUnit.MINUTES.toNanos(1));
        Instant now = Instant.now();
        b.agents.forEach((id, key) -> agents.put(id, new AgentRow(id, key, now)));
        approvals.putAll(b.approvals);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    private synchronized void start(int port) {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("cp-sim");
        Server s = new Server(pool);
        ServerConnector connector = new ServerConnector(s, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setReuseAddress(true);
        s.addConnector(connector);
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(s, c -> {
            c.setMaxTextMessageSize(MAX_MESSAGE_SIZE);
            c.setMaxBinaryMessageSize(MAX_MESSAGE_SIZE);
            // Liveness and the read deadline are enforced by the simulator itself.
            c.setIdleTimeout(Duration.ZERO);
        });
        upgrade.setHandler(new RootHandler());
        s.setHandler(upgrade);
        s.setStopTimeout(0);
        try {
            s.start();
        } catch (Exception e) {
            try {
                s.stop();
            } catch (Exception ignored) {
                // best effort
            }
            throw new IllegalStateException("cannot start control-plane simulator on 127.0.0.1:" + port, e);
        }
        server = s;
        wsContainer = upgrade.getServerWebSocketContainer();
        boundPort = connector.getLocalPort();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cp-sim-liveness");
            t.setDaemon(true);
            return t;
        });
        long every = livenessCheckInterval.toMillis();
        scheduler.scheduleAtFixedRate(this::checkLiveness, every, every, TimeUnit.MILLISECONDS);
        LOG.info("control-plane simulator listening on 127.0.0.1:{}", boundPort);
    }

    /** Stops the server; open sockets are dropped without a close handshake. Known agents are kept. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        List<AgentConnection> open;
        synchronized (lock) {
            open = new ArrayList<>(connections.values());
            connections.clear();
            registeredSinceStart.clear();
            agents.values().forEach(a -> a.status = AgentStatus.OFFLINE);
            lock.notifyAll();
        }
        open.forEach(AgentConnection::drop);
        scheduler.shutdownNow();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("error stopping simulator: {}", e.toString());
        }
        server = null;
        wsContainer = null;
        rateLimiter.reset();
        LOG.info("control-plane simulator on port {} stopped", boundPort);
    }

    /**
     * Stops and starts again on the same port, keeping the "database" (known agents, approvals, commands,
     * sessions) and the recordings. Connections, registrations-since-start and rate-limit budgets are reset.
     */
    public synchronized void restart() {
        int port = boundPort;
        stop();
        start(port);
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return boundPort;
    }

    /** {@code ws://127.0.0.1:<port>}: what an agent gets as {@code --control-plane-url}. */
    public URI webSocketBaseUrl() {
        return URI.create("ws://127.0.0.1:" + boundPort);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI httpBaseUrl() {
        return URI.create("http://127.0.0.1:" + boundPort);
    }

    // ------------------------------------------------------------------------------------------ admin

    /** Adds (or replaces the key of) a known agent row. */
    public void addAgent(String agentId, String apiKey) {
        requireKey(apiKey, "apiKey");
        synchronized (lock) {
            AgentRow row = agents.get(agentId);
            if (row == null) {
                agents.put(agentId, new AgentRow(agentId, apiKey, Instant.now()));
            } else {
                row.apiKey = apiKey;
            }
            lock.notifyAll();
        }
    }

    /** Sets the approval state used when {@code agentId} registers with the bootstrap key (default PENDING). */
    public void setApproval(String agentId, Approval approval) {
        Objects.requireNonNull(approval);
        synchronized (lock) {
            approvals.put(agentId, approval);
            lock.notifyAll();
        }
    }

    // ------------------------------------------------------------------------------------------ queries

    public List<ReceivedMessage> received(String agentId) {
        synchronized (lock) {
            return List.copyOf(received.getOrDefault(agentId, List.of()));
        }
    }

    /** Every text frame the simulator sent to {@code agentId}, in order. */
    public List<String> sent(String agentId) {
        synchronized (lock) {
            return List.copyOf(sent.getOrDefault(agentId, List.of()));
        }
    }

    public List<RecordedRegistration> registrations() {
        synchronized (lock) {
            return List.copyOf(registrations);
        }
    }

    public boolean isConnected(String agentId) {
        synchronized (lock) {
            return connections.containsKey(agentId);
        }
    }

    /** Number of sockets of {@code agentId} accepted so far (across restarts). */
    public int connectionCount(String agentId) {
        synchronized (lock) {
            return connectionCounts.getOrDefault(agentId, 0);
        }
    }

    public AgentStatus agentStatus(String agentId) {
        synchronized (lock) {
            AgentRow row = agents.get(agentId);
            return row == null ? AgentStatus.UNKNOWN : row.status;
        }
    }

    /** The command row, or {@code null} if no such command was sent. */
    public CommandState commandState(String commandId) {
        synchronized (lock) {
            CommandRow row = commands.get(commandId);
            return row == null ? null : row.snapshot();
        }
    }

    /** The session row, or {@code null} if no accepted {@code status} message named it. */
    public SessionState sessionState(String sessionId) {
        synchronized (lock) {
            SessionRow row = sessions.get(sessionId);
            return row == null ? null : row.snapshot();
        }
    }

    // ------------------------------------------------------------------------------------------ awaiting

    /** The first message of {@code agentId} (in arrival order, since creation) matching {@code p}. */
    public ReceivedMessage awaitMessage(String agentId, Predicate<ReceivedMessage> p, Duration timeout) {
        return awaitMessages(agentId, p, 1, timeout).get(0);
    }

    /** The first {@code count} messages of {@code agentId} matching {@code p}. */
    public List<ReceivedMessage> awaitMessages(String agentId, Predicate<ReceivedMessage> p, int count,
                                               Duration timeout) {
        return await(() -> {
            List<ReceivedMessage> hits = received.getOrDefault(agentId, List.of()).stream().filter(p).toList();
            return hits.size() >= count ? List.copyOf(hits.subList(0, count)) : null;
        }, timeout, () -> "expected " + count + " matching message(s) from " + agentId + " within " + timeout
                + "\n" + dump(agentId));
    }

    public void awaitConnected(String agentId, Duration timeout) {
        await(() -> connections.containsKey(agentId) ? Boolean.TRUE : null, timeout,
                () -> agentId + " did not connect within " + timeout + "\n" + dump(agentId));
    }

    public void awaitDisconnected(String agentId, Duration timeout) {
        await(() -> connections.containsKey(agentId) ? null : Boolean.TRUE, timeout,
                () -> agentId + " still connected after " + timeout + "\n" + dump(agentId));
    }

    public void awaitAgentStatus(String agentId, AgentStatus status, Duration timeout) {
        await(() -> status == statusOf(agentId) ? Boolean.TRUE : null, timeout,
                () -> agentId + " is " + statusOf(agentId) + ", expected " + status + " within " + timeout
                        + "\n" + dump(agentId));
    }

    public CommandState awaitCommandStatus(String commandId, CommandState.Status status, Duration timeout) {
        return await(() -> {
            CommandRow row = commands.get(commandId);
            return row != null && row.status == status ? row.snapshot() : null;
        }, timeout, () -> {
            CommandRow row = commands.get(commandId);
            return "command " + commandId + " is " + (row == null ? "unknown" : row.snapshot()) + ", expected "
                    + status + " within " + timeout + (row == null ? "" : "\n" + dump(row.agentId));
        });
    }

    public SessionState awaitSessionState(String sessionId, String state, Duration timeout) {
        return await(() -> {
            SessionRow row = sessions.get(sessionId);
            return row != null && state.equals(row.state) ? row.snapshot() : null;
        }, timeout, () -> {
            SessionRow row = sessions.get(sessionId);
            return "session " + sessionId + " is " + (row == null ? "unknown" : row.snapshot()) + ", expected "
                    + state + " within " + timeout + (row == null ? "" : "\n" + dump(row.agentId));
        });
    }

    /** Polls {@code check} (under the lock) until non-null, waking on every state change. */
    private <T> T await(Supplier<T> check, Duration timeout, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                T value = check.get();
                if (value != null) {
                    return value;
                }
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    throw new AssertionError(failure.get());
                }
                try {
                    lock.wait(remainingMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting", e);
                }
            }
        }
    }

    private AgentStatus statusOf(String agentId) {
        AgentRow row = agents.get(agentId);
        return row == null ? AgentStatus.UNKNOWN : row.status;
    }

    /** Human-readable state of one agent, for assertion messages. Call with the lock held. */
    private String dump(String agentId) {
        StringBuilder sb = new StringBuilder();
        sb.append("agent ").append(agentId).append(": status=").append(statusOf(agentId))
                .append(", connected=").append(connections.containsKey(agentId))
                .append(", sockets=").append(connectionCounts.getOrDefault(agentId, 0))
                .append(", registeredSinceStart=").append(registeredSinceStart.contains(agentId)).append('\n');
        List<ReceivedMessage> msgs = received.getOrDefault(agentId, List.of());
        sb.append("received ").append(msgs.size()).append(" message(s):\n");
        for (ReceivedMessage m : msgs) {
            sb.append("  #").append(m.connectionNumber()).append(' ')
                    .append(m.accepted() ? "ACCEPTED " : "DROPPED (" + m.dropReason() + ") ")
                    .append(abbreviate(m.raw())).append('\n');
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }

    // ------------------------------------------------------------------------------------------ sending

    /** Sends a {@code command} with a generated id {@code cmd-<8 hex>}; returns the id. */
    public String sendCommand(String agentId, String action, Map<String, ?> payload) {
        String id = "cmd-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        return sendCommand(agentId, id, action, payload);
    }

    /**
     * Sends a {@code command} with an explicit id. Like the real CP, the row is created PENDING first and is
     * marked FAILED ("agent not connected") if the agent has no socket: there is no outbox.
     */
    public String sendCommand(String agentId, String commandId, String action, Map<String, ?> payload) {
        JsonNode payloadNode = payload == null ? JSON.objectNode() : MAPPER.valueToTree(payload);
        ObjectNode body = JSON.objectNode();
        body.put("commandId", commandId);
        body.put("action", action);
        body.set("payload", payloadNode);
        synchronized (lock) {
            commands.put(commandId, new CommandRow(commandId, agentId, action, payloadNode));
            lock.notifyAll();
        }
        try {
            sendRaw(agentId, envelope("command", body));
            LOG.info("-> {} command {} {}", agentId, commandId, action);
        } catch (RuntimeException e) {
            LOG.warn("command {} for {} failed: {}", commandId, agentId, e.getMessage());
            synchronized (lock) {
                commands.get(commandId).update(CommandState.Status.FAILED, "agent not connected", null);
                lock.notifyAll();
            }
        }
        return commandId;
    }

    /** Sends {@code {"type":type,"timestamp":<now>,"payload":payload}} as one text frame. */
    public void sendEnvelope(String agentId, String type, Map<String, ?> payload) {
        sendRaw(agentId, envelope(type, payload == null ? JSON.objectNode() : MAPPER.valueToTree(payload)));
    }

    /** Sends exactly one text frame. Throws {@link IllegalStateException} if the agent is not connected. */
    public void sendRaw(String agentId, String frameText) {
        connection(agentId).send(frameText, 1);
        record(agentId, frameText);
    }

    /** Joins {@code jsonLines} with {@code \n} into ONE text frame (the real CP may batch like this). */
    public void sendBatch(String agentId, List<String> jsonLines) {
        sendRaw(agentId, String.join("\n", jsonLines));
    }

    /** Sends one text message split into {@code parts} WebSocket fragments (continuation frames). */
    public void sendFragmented(String agentId, String text, int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be >= 1");
        }
        connection(agentId).send(text, parts);
        record(agentId, text);
    }

    /** Closes the agent's socket abruptly (TCP close, no close handshake), like a CP crash. */
    public void dropConnection(String agentId) {
        AgentConnection c = connection(agentId);
        LOG.info("dropping connection #{} of {}", c.number, agentId);
        c.drop();
    }

    /** Builds an envelope text as the CP would send it. */
    public String envelope(String type, JsonNode payload) {
        ObjectNode env = JSON.objectNode();
        env.put("type", type);
        env.put("timestamp", timestamp(Instant.now()));
        env.set("payload", payload);
        return env.toString();
    }

    /**
     * Formats like Go's {@code time.RFC3339Nano} in the server's offset. Go trims trailing zeros; the simulator
     * makes the last digit non-zero so that all 9 fraction digits are always present (agents must cope with both).
     */
    public String timestamp(Instant t) {
        if (t.getNano() % 10 == 0) {
            t = t.plusNanos(1 + ThreadLocalRandom.current().nextInt(9));
        }
        return RFC3339_NANO.format(t.atOffset(serverOffset));
    }

    private AgentConnection connection(String agentId) {
        synchronized (lock) {
            AgentConnection c = connections.get(agentId);
            if (c == null) {
                throw new IllegalStateException("agent " + agentId + " is not connected");
            }
            return c;
        }
    }

    private void record(String agentId, String frameText) {
        synchronized (lock) {
            sent.computeIfAbsent(agentId, k -> new ArrayList<>()).add(frameText);
            lock.notifyAll();
        }
    }

    // ------------------------------------------------------------------------------------------ liveness

    private void checkLiveness() {
        try {
            Instant now = Instant.now();
            List<AgentConnection> toDrop = new ArrayList<>();
            synchronized (lock) {
                for (AgentRow row : agents.values()) {
                    if (row.status == AgentStatus.ONLINE && row.lastHeartbeat != null
                            && Duration.between(row.lastHeartbeat, now).compareTo(livenessTimeout) > 0) {
                        row.status = AgentStatus.OFFLINE;
                        LOG.info("agent {} timed out: no heartbeat for more than {} s", row.agentId,
                                livenessTimeout.toMillis() / 1000.0);
                        AgentConnection c = connections.remove(row.agentId);
                        if (c != null) {
                            toDrop.add(c);
                        }
                    }
                }
                for (AgentConnection c : List.copyOf(connections.values())) {
                    Instant last = c.lastPong == null ? c.connectedAt : c.lastPong;
                    if (Duration.between(last, now).compareTo(readDeadline) > 0) {
                        LOG.info("agent {}: read deadline exceeded (no pong for {})", c.agentId, readDeadline);
                        connections.remove(c.agentId);
                        toDrop.add(c);
                    }
                }
                lock.notifyAll();
            }
            toDrop.forEach(AgentConnection::drop);
        } catch (RuntimeException e) {
            LOG.warn("liveness check failed", e);
        }
    }

    // ------------------------------------------------------------------------------------------ HTTP

    private final class RootHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            if (path.startsWith("/api/v1/agents/")) {
                String ip = Request.getRemoteAddr(request);
                if (!rateLimiter.tryAcquire(ip, System.nanoTime())) {
                    ObjectNode body = error("Rate limit exceeded", "Too many requests, please try again later");
                    body.put("retryAfter", 60);
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, "60");
                    LOG.info("{} {} from {} -> 429 rate limit", method, path, ip);
                    if (path.equals(REGISTER_PATH)) {
                        String reqBody = Content.Source.asString(request, StandardCharsets.UTF_8);
                        recordRegistration(429, null, reqBody, body, request, ip);
                    }
                    writeJson(response, callback, 429, body);
                    return true;
                }
                if (path.equals(REGISTER_PATH) && "POST".equals(method)) {
                    register(request, response, callback, ip);
                    return true;
                }
                if (path.equals(CONNECT_PATH) && "GET".equals(method)) {
                    connect(request, response, callback);
                    return true;
                }
            } else if (path.startsWith("/dev/")) {
                return devConsole(path, method, request, response, callback);
            }
            writeText(response, callback, 404, "404 page not found");
            return true;
        }
    }

    private void register(Request request, Response response, Callback callback, String ip) throws IOException {
        String reqBody = Content.Source.asString(request, StandardCharsets.UTF_8);
        String key = request.getHeaders().get(API_KEY_HEADER);
        int status;
        ObjectNode body;
        String agentId = null;
        synchronized (lock) {
            ObjectNode authError = checkKeyFormat(key);
            if (authError != null) {
                status = 401;
                body = authError;
            } else {
                RegistrationDecoder.Request req = null;
                String invalid = null;
                try {
                    req = registrationDecoder.decode(reqBody);
                } catch (RegistrationDecoder.InvalidRequest e) {
                    invalid = e.getMessage();
                }
                agentId = req == null ? GoJsonSafe.agentId(reqBody) : req.agentId();
                AgentRow row = req == null ? null : agents.get(agentId);
                Instant now = Instant.now();
                if (req == null) {
                    status = 400;
                    body = error("Invalid request format", invalid);
                } else 
if (bootstrapKey != null && keysEqual(bootstrapKey, key)) {
                    if (row == null) {
                        row = new AgentRow(agentId, null, now);
                        agents.put(agentId, row);
                    }
                    row.update(req, now);
                    Approval approval = approvals.getOrDefault(agentId, Approval.PENDING);
                    row.approvalStatus = approval.wire();
                    if (approval == Approval.APPROVED) {
                        row.status = AgentStatus.ONLINE;
                        row.lastHeartbeat = now;
                        registeredSinceStart.add(agentId);
                    }
                    body = JSON.objectNode();
                    body.set("agent", agentJson(row));
                    body.put("approvalStatus", approval.wire());
                    switch (approval) {
                        case PENDING -> {
                            status = 202;
                            body.put("message", "Agent registration is pending administrator approval");
                        }
                        case APPROVED -> {
                            status = 200;
                            body.put("message", "Agent approved");
                        }
                        default -> {
                            status = 403;
                            body.put("message", "Agent registration was rejected by an administrator");
                        }
                    }
                } else if (row == null) {
                    status = 404;
                    body = error("Agent not found", "No agent with ID " + agentId
                            + " exists; create it in the control plane or register with the bootstrap key");
                } else if (row.apiKey == null || !keysEqual(row.apiKey, key)) {
                    status = 403;
                    body = JSON.objectNode().put("error", "Invalid API key");
                } else {
                    row.update(req, now);
                    row.status = AgentStatus.ONLINE;
                    row.lastHeartbeat = now;
                    row.approvalStatus = "";
                    registeredSinceStart.add(agentId);
                    status = 200;
                    body = agentJson(row);
                }
            }
            recordRegistration(status, agentId, reqBody, body, request, ip);
        }
        LOG.info("register {} -> {}", agentId == null ? "(no agent id)" : agentId, status);
        writeJson(response, callback, status, body);
    }

    /** Tolerant extraction of agentId from an invalid body, for the recording only. */
    private static final class GoJsonSafe {
        static String agentId(String body) {
            try {
                JsonNode n = MAPPER.readTree(body);
                JsonNode v = GoJson.get(n, "agentId");
                return v != null && v.isTextual() ? v.asText() : null;
            } catch (Exception e) {
                return null;
            }
        }
    }

    private void recordRegistration(int status, String agentId, String reqBody, JsonNode respBody, Request request,
                                    String ip) {
        synchronized (lock) {
            registrations.add(new RecordedRegistration(status, agentId, reqBody, respBody.toString(),
                    request.getHeaders().get(API_KEY_HEADER) != null, ip, Instant.now()));
            lock.notifyAll();
        }
    }

    private void connect(Request request, Response response, Callback callback) {
        String key = request.getHeaders().get(API_KEY_HEADER);
        String agentId = Request.extractQueryParameters(request).getValue("agent_id");
        int status = 0;
        ObjectNode body = null;
        synchronized (lock) {
            ObjectNode authError = checkKeyFormat(key);
            String inputProblem = agentId == null ? null : checkQueryValue(agentId);
            AgentRow row = agentId == null ? null : agents.get(agentId);
            if (authError != null) {
                status = 401;
                body = authError;
            } else if (agentId == null || agentId.isEmpty()) {
                status = 400;
                body = error("Missing agent_id", "agent_id query parameter is required");
            } else if (inputProblem != null) {
                status = 400;
                body = error("Invalid input", inputProblem);
            } else if (row == null) {
                status = 404;
                body = error("Agent not found", "No agent with ID " + agentId);
            } else if (bootstrapKey != null && keysEqual(bootstrapKey, key)) {
                Approval approval = approvals.getOrDefault(agentId, Approval.PENDING);
                if (approval != Approval.APPROVED) {
                    status = 403;
                    body = error("Agent not approved", "approval status is " + approval.wire());
                    body.put("approvalStatus", approval.wire());
                }
            } else if (row.apiKey == null || !keysEqual(row.apiKey, key)) {
                status = 403;
                body = JSON.objectNode().put("error", "Invalid API key");
            }
            if (body == null && !registeredSinceStart.contains(agentId)) {
                status = 404;
                body = error("Agent not found", "Agent " + agentId + " must register before connecting");
            }
        }
        if (body != null) {
            LOG.info("connect {} -> {} {}", agentId, status, body.path("error").asText());
            writeJson(response, callback, status, body);
            return;
        }
        boolean upgraded = wsContainer.upgrade((req, resp, cb) -> new AgentConnection(this, agentId),
                request, response, callback);
        if (!upgraded) {
            writeJson(response, callback, 400, error("Bad Request", "WebSocket upgrade required"));
        }
    }

    private static ObjectNode checkKeyFormat(String key) {
        if (key == null || key.isEmpty()) {
            return error("Missing authentication",
                    "Provide the X-Agent-API-Key header or a client certificate signed by the CP's CA");
        }
        if (!HEX64.matcher(key).matches()) {
            return error("Invalid API key format", "API key must be 64 characters (got "
                    + key.getBytes(StandardCharsets.UTF_8).length + ")");
        }
        return null;
    }

    /** The CP's input filter for query values; {@code null} when acceptable. */
    static String checkQueryValue(String v) {
        for (String bad : List.of("--", "#", ";", "&", "|", "`", "$(")) {
            if (v.contains(bad)) {
                return "value contains forbidden sequence '" + bad + "'";
            }
        }
        long specials = v.chars().filter(ch -> "*()\\/".indexOf(ch) >= 0).count();
        if (specials >= 2) {
            return "value contains suspicious characters";
        }
        if (SQL_LIKE.matcher(v).find()) {
            return "value looks like SQL";
        }
        return null;
    }

    private static boolean keysEqual(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode error(String error, String details) {
        ObjectNode n = JSON.objectNode();
        n.put("error", error);
        if (details != null) {
            n.put("details", details);
        }
        return n;
    }

    private ObjectNode agentJson(AgentRow row) {
        ObjectNode n = JSON.objectNode();
        n.put("id", row.id.toString());
        n.put("agentId", row.agentId);
        n.put("platform", row.platform);
        n.put("region", row.region);
        n.put("status", row.status == AgentStatus.ONLINE ? "online" : "offline");
        n.set("capacity", row.capacity);
        if (row.lastHeartbeat == null) {
            n.putNull("lastHeartbeat");
        } else {
            n.put("lastHeartbeat", timestamp(row.lastHeartbeat));
        }
        n.set("metadata", row.metadata == null ? JSON.nullNode() : row.metadata);
        n.put("approvalStatus", row.approvalStatus);
        n.put("createdAt", timestamp(row.createdAt));
        n.put("updatedAt", timestamp(row.updatedAt));
        return n;
    }

    private static void writeJson(Response response, Callback callback, int status, JsonNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            callback.failed(e);
            return;
        }
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private static void writeText(Response response, Callback callback, int status, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    }

    // ------------------------------------------------------------------------------------------ dev console

    private boolean devConsole(String path, String method, Request request, Response response, Callback callback)
            throws IOException {
        if (path.equals("/dev/commands") && "POST".equals(method)) {
            JsonNode body;
            try {
                body = MAPPER.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
            } catch (Exception e) {
                writeJson(response, callback, 400, error("Invalid JSON", e.getMessage()));
                return true;
            }
            String agentId = body == null ? "" : body.path("agentId").asText("");
            String action = body == null ? "" : body.path("action").asText("");
            if (agentId.isEmpty() || action.isEmpty()) {
                writeJson(response, callback, 400, error("agentId and action are required", null));
                return true;
            }
            if (!isConnected(agentId)) {
                writeJson(response, callback, 404, error("Agent not connected", agentId));
                return true;
            }
            JsonNode payload = body.path("payload");
            @SuppressWarnings("unchecked")
            Map<String, Object> map = payload.isObject() ? MAPPER.convertValue(payload, Map.class) : Map.of();
            String id = sendCommand(agentId, action, map);
            writeJson(response, callback, 200, JSON.objectNode().put("commandId", id));
            return true;
        }
        if (path.equals("/dev/agents") && "GET".equals(method)) {
            ArrayNode arr = JSON.arrayNode();
            synchronized (lock) {
                for (AgentRow row : agents.values()) {
                    ObjectNode n = agentJson(row);
                    n.put("status", row.status.name().toLowerCase(java.util.Locale.ROOT));
                    n.put("connected", connections.containsKey(row.agentId));
                    n.put("connectionCount", connectionCounts.getOrDefault(row.agentId, 0));
                    arr.add(n);
                }
            }
            writeJson(response, callback, 200, arr);
            return true;
        }
        if (path.equals("/dev/messages") && "GET".equals(method)) {
            String agentId = Request.extractQueryParameters(request).getValue("agentId");
            ArrayNode arr = JSON.arrayNode();
            for (ReceivedMessage m : received(agentId == null ? "" : agentId)) {
                ObjectNode n = arr.addObject();
                n.put("raw", m.raw());
                n.put("type", m.type());
                n.set("payload", m.payload());
                n.put("accepted", m.accepted());
                n.put("dropReason", m.dropReason());
                n.put("receivedAt", m.receivedAt().toString());
                n.put("connectionNumber", m.connectionNumber());
                if (m.agentEpoch() != null) {
                    n.put("agentEpoch", m.agentEpoch());
                }
            }
            writeJson(response, callback, 200, arr);
            return true;
        }
        if (path.startsWith("/dev/commands/") && "GET".equals(method)) {
            CommandState c = commandState(path.substring("/dev/commands/".length()));
            if (c == null) {
                writeJson(response, callback, 404, error("Command not found", null));
                return true;
            }
            ObjectNode n = JSON.objectNode();
            n.put("commandId", c.commandId());
            n.put("agentId", c.agentId());
            n.put("action", c.action());
            n.put("status", c.status().name().toLowerCase(java.util.Locale.ROOT));
            n.put("error", c.error());
            writeJson(response, callback, 200, n);
            return true;
        }
        writeText(response, callback, 404, "404 page not found");
        return true;
    }

    // ------------------------------------------------------------------------------------------ WebSocket

    private void onOpen(AgentConnection conn) {
        AgentConnection old;
        synchronized (lock) {
            int n = connectionCounts.merge(conn.agentId, 1, Integer::sum);
            conn.number = n;
            old = connections.put(conn.agentId, conn);
            lock.notifyAll();
        }
        LOG.info("agent {} connected (socket #{}{})", conn.agentId, conn.number,
                old == null ? "" : ", closing old socket #" + old.number);
        if (old != null) {
            old.drop();
        }
        ScheduledExecutorService s = scheduler;
        if (s != null && !pingInterval.isZero()) {
            try {
                long every = pingInterval.toMillis();
                conn.pinger = s.scheduleAtFixedRate(conn::ping, every, every, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                LOG.debug("cannot schedule pings: {}", e.toString());
            }
        }
    }

    private void onText(AgentConnection conn, String frame) {
        Instant now = Instant.now();
        for (String line : frame.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            AgentMessageDecoder.Decoded d = messageDecoder.decode(line);
            synchronized (lock) {
                if (d.accepted()) {
                    apply(conn.agentId, d, now);
                }
                received.computeIfAbsent(conn.agentId, k -> new ArrayList<>()).add(new ReceivedMessage(
                        conn.agentId, line, d.type(), d.payload(), d.accepted(), d.dropReason(), now, conn.number,
                        d.agentEpoch()));
                lock.notifyAll();
            }
            if (d.accepted()) {
                LOG.debug("<- {} {}", conn.agentId, d.type());
            } else {
                LOG.info("<- {} DROPPED ({}): {}", conn.agentId, d.dropReason(), abbreviate(line));
            }
        }
    }

    /** Effect of an accepted message on the "database". Lock held. */
    private void apply(String agentId, AgentMessageDecoder.Decoded d, Instant now) {
        JsonNode p = d.payload();
        switch (d.type()) {
            case "heartbeat" -> {
                AgentRow row = agents.get(agentId);
                if (row != null) {
                    row.lastHeartbeat = now;
                    row.status = AgentStatus.ONLINE;
                    JsonNode cap = GoJson.get(p, "capacity");
                    if (cap != null && cap.isObject()) {
                        row.capacity = normalizedCapacity(cap);
                    }
                    row.updatedAt = now;
                }
            }
            case "ack" -> updateCommand(GoJson.string(p, "commandId"), CommandState.Status.ACKED, null, null);
            case "complete" -> updateCommand(GoJson.string(p, "commandId"), CommandState.Status.COMPLETED, null,
                    GoJson.get(p, "result"));
            case "failed" -> updateCommand(GoJson.string(p, "commandId"), CommandState.Status.FAILED,
                    GoJson.string(p, "error"), null);
            case "status" -> {
                String sessionId = GoJson.string(p, "sessionId");
                if (!sessionId.isEmpty()) {
                    sessions.computeIfAbsent(sessionId, SessionRow::new)
                            .update(agentId, GoJson.string(p, "state"), p, now);
                }
            }
            default -> {
                // vnc_ready, vnc_data, vnc_error, pong: recorded only
            }
        }
    }

    private void updateCommand(String commandId, CommandState.Status status, String error, JsonNode result) {
        CommandRow row = commands.get(commandId);
        if (row == null) {
            LOG.info("{} for unknown command {}", status, commandId);
            return;
        }
        row.update(status, error, result);
    }

    static JsonNode normalizedCapacity(JsonNode cap) {
        ObjectNode n = JSON.objectNode();
        JsonNode max = GoJson.get(cap, "maxSessions");
        n.put("maxSessions", max != null && max.isIntegralNumber() ? max.asLong() : 0);
        for (String f : List.of("cpu", "memory", "storage")) {
            n.put(f, GoJson.string(cap, f));
        }
        return n;
    }

    private void onClosed(AgentConnection conn, String why) {
        boolean wasCurrent;
        synchronized (lock) {
            wasCurrent = connections.remove(conn.agentId, conn);
            if (wasCurrent) {
                AgentRow row = agents.get(conn.agentId);
                if (row != null) {
                    row.status = AgentStatus.OFFLINE;
                }
            }
            lock.notifyAll();
        }
        if (conn.pinger != null) {
            conn.pinger.cancel(false);
        }
        LOG.info("agent {} socket #{} closed ({})", conn.agentId, conn.number, why);
    }

    /**
     * One accepted agent socket (Jetty endpoint). Public only because Jetty invokes it reflectively; not API.
     */
    public static final class AgentConnection implements Session.Listener.AutoDemanding {
        private final ControlPlaneSimulator sim;
        final String agentId;
        final Instant connectedAt = Instant.now();
        final Object sendLock = new Object();
        volatile Session session;
        volatile Instant lastPong;
        volatile int number;
        volatile ScheduledFuture<?> pinger;
        private volatile boolean closed;

        AgentConnection(ControlPlaneSimulator sim, String agentId) {
            this.sim = sim;
            this.agentId = agentId;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            this.session = s;
            sim.onOpen(this);
        }

        @Override
        public void onWebSocketText(String message) {
            sim.onText(this, message);
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            lastPong = Instant.now();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason,
                                     org.eclipse.jetty.websocket.api.Callback callback) {
            closeOnce("code " + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason));
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            closeOnce("error: " + cause);
        }

        private void closeOnce(String why) {
            if (!closed) {
                closed = true;
                sim.onClosed(this, why);
            }
        }

        void drop() {
            Session s = session;
            if (s != null) {
                s.disconnect();
            }
        }

        void ping() {
            Session s = session;
            if (s != null && s.isOpen()) {
                s.sendPing(ByteBuffer.allocate(0), org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
        }

        /** Sends {@code text} as one message in {@code parts} fragments, waiting for each write. */
        void send(String text, int parts) {
            Session s = session;
            if (s == null || !s.isOpen()) {
                throw new IllegalStateException("agent " + agentId + " socket is not open");
            }
            synchronized (sendLock) {
                if (parts == 1) {
                    await(cb -> s.sendText(text, cb));
                    return;
                }
                List<String> chunks = split(text, parts);
                for (int i = 0; i < chunks.size(); i++) {
                    String chunk = chunks.get(i);
                    boolean last = i == chunks.size() - 1;
                    await(cb -> s.sendPartialText(chunk, last, cb));
                }
            }
        }

        private void await(java.util.function.Consumer<org.eclipse.jetty.websocket.api.Callback> op) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            op.accept(org.eclipse.jetty.websocket.api.Callback.from(() -> f.complete(null), f::completeExceptionally));
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending to " + agentId, e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot send to " + agentId + ": " + e, e);
            }
        }
    }

    /** Splits into {@code parts} non-empty chunks without breaking surrogate pairs. */
    static List<String> split(String text, int parts) {
        int[] cps = text.codePoints().toArray();
        int n = Math.max(1, Math.min(parts, cps.length));
        List<String> out = new ArrayList<>(n);
        int start = 0;
        for (int i = 0; i < n; i++) {
            int end = (int) ((long) cps.length * (i + 1) / n);
            out.add(new String(cps, start, end - start));
            start = end;
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ rows

    private static final class AgentRow {
        final String agentId;
        final UUID id = UUID.randomUUID();
        final Instant createdAt;
        String apiKey;
        String platform = "docker";
        String region = "";
        JsonNode capacity = JSON.nullNode();
        JsonNode metadata;
        Instant updatedAt;
        Instant lastHeartbeat;
        AgentStatus status = AgentStatus.OFFLINE;
        String approvalStatus = "";

        AgentRow(String agentId, String apiKey, Instant now) {
            this.agentId = agentId;
            this.apiKey = apiKey;
            this.createdAt = now;
            this.updatedAt = now;
        }

        void update(RegistrationDecoder.Request req, Instant now) {
            platform = req.platform();
            region = req.region();
            capacity = req.capacity() == null ? JSON.nullNode() : normalizedCapacity(req.capacity());
            metadata = req.metadata();
            updatedAt = now;
        }
    }

    private static final class CommandRow {
        final String commandId;
        final String agentId;
        final String action;
        final JsonNode payload;
        CommandState.Status status = CommandState.Status.PENDING;
        String error;
        JsonNode result;
        final List<CommandState.Status> history = new ArrayList<>(List.of(CommandState.Status.PENDING));
        Instant updatedAt = Instant.now();

        CommandRow(String commandId, String agentId, String action, JsonNode payload) {
            this.commandId = commandId;
            this.agentId = agentId;
            this.action = action;
            this.payload = payload;
        }

        void update(CommandState.Status s, String err, JsonNode res) {
            status = s;
            if (err != null) {
                error = err;
            }
            if (res != null) {
                result = res;
            }
            history.add(s);
            updatedAt = Instant.now();
        }

        CommandState snapshot() {
            return new CommandState(commandId, agentId, action, payload, status, error, result,
                    List.copyOf(history), updatedAt);
        }
    }

    private static final class SessionRow {
        final String sessionId;
        String agentId;
        String state;
        JsonNode lastPayload;
        final List<String> history = new ArrayList<>();
        Instant updatedAt;

        SessionRow(String sessionId) {
            this.sessionId = sessionId;
        }

        void update(String agent, String newState, JsonNode payload, Instant now) {
            agentId = agent;
            state = newState;
            lastPayload = payload;
            history.add(newState);
            updatedAt = now;
        }

        SessionState snapshot() {
            return new SessionState(sessionId, agentId, state, lastPayload, List.copyOf(history), updatedAt);
        }
    }

    private static void requireKey(String key, String what) {
        if (key == null || !HEX64.matcher(key).matches()) {
            throw new IllegalArgumentException(what + " must be 64 hex characters");
        }
    }

    // ------------------------------------------------------------------------------------------ builder

    public static final class Builder {
        private int port = 0;
        private final Map<String, String> agents = new LinkedHashMap<>();
        private final Map<String, Approval> approvals = new LinkedHashMap<>();
        private String bootstrapKey;
        private Duration livenessTimeout = Duration.ofSeconds(45);
        private Duration livenessCheckInterval = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(54);
        private Duration readDeadline = Duration.ofSeconds(60);
        private int rateLimitPerMinute = 60;
        private ZoneOffset serverOffset = ZoneOffset.ofHours(-7);

        private Builder() {
        }

        /** Port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** A known agent row with its (normal) API key. */
        public Builder agent(String agentId, String apiKey) {
            requireKey(apiKey, "apiKey of " + agentId);
            agents.put(agentId, apiKey);
            return this;
        }

        /** The CP's {@code AGENT_BOOTSTRAP_KEY}. */
        public Builder bootstrapKey(String key) {
            requireKey(key, "bootstrapKey");
            this.bootstrapKey = key;
            return this;
        }

        /** Initial approval for an agent registering with the bootstrap key (default PENDING). */
        public Builder approval(String agentId, Approval approval) {
            approvals.put(agentId, Objects.requireNonNull(approval));
            return this;
        }

        /** No accepted heartbeat for longer than this → OFFLINE and disconnected (default 45 s). */
        public Builder livenessTimeout(Duration d) {
            this.livenessTimeout = positive(d);
            return this;
        }

        /** How often liveness and the read deadline are checked (default 10 s). */
        public Builder livenessCheckInterval(Duration d) {
            this.livenessCheckInterval = positive(d);
            return this;
        }

        /** Interval of the CP's WebSocket pings (default 54 s; zero disables). */
        public Builder pingInterval(Duration d) {
            this.pingInterval = Objects.requireNonNull(d);
            return this;
        }

        /** Socket dropped when no pong arrived for this long (default 60 s; reset only by pongs). */
        public Builder readDeadline(Duration d) {
            this.readDeadline = positive(d);
            return this;
        }

        /** Requests per minute per client IP on {@code /api/v1/agents/*} (default 60). */
        public Builder rateLimitPerMinute(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("rate limit must be >= 1");
            }
            this.rateLimitPerMinute = n;
            return this;
        }

        /** Offset of the timestamps the simulator sends (default -07:00). */
        public Builder serverOffset(ZoneOffset offset) {
            this.serverOffset = Objects.requireNonNull(offset);
            return this;
        }

        public ControlPlaneSimulator start() {
            ControlPlaneSimulator sim = new ControlPlaneSimulator(this);
            sim.start(port);
            return sim;
        }

        private static Duration positive(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
            return d;
        }
    }

    @Override
    public String toString() {
        return "ControlPlaneSimulator[" + httpBaseUrl() + "]";
    }

    /** Unmodifiable view helper for callers that want all agent ids. */
    public Set<String> knownAgents() {
        synchronized (lock) {
            return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(agents.keySet()));
        }
    }
}
