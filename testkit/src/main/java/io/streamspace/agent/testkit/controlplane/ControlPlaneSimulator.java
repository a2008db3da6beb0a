package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A strict, in-process simulator of the StreamSpace control plane's agent API (see
 * {@code docs/control-plane-protocol.md}): registration, the agent WebSocket, liveness, rate limiting, the
 * command and session tables, plus a recording API for tests and a tiny JSON dev console under {@code /dev/}.
 *
 * <p>It binds to 127.0.0.1 unless a test gives another local address ({@link Builder#bindAddress}, e.g. a Docker
 * bridge's gateway so containers reach it). All public methods are thread-safe.
 */
// This class is the facade: builder, lifecycle and the public API. The work is done by package-private parts:
// SimulatorState (tables, recordings, awaits), RootHandler → RegistrationHandler / AgentSocketEndpoint /
// DevConsoleHandler, LivenessMonitor (liveness, read deadline, pings) and Envelopes (what the CP writes).
public final class ControlPlaneSimulator implements AutoCloseable {

    /** Name of the logger every part of the simulator logs to. */
    static final String LOGGER_NAME = "ControlPlaneSimulator";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    public static final String API_KEY_HEADER = "X-Agent-API-Key";
    public static final String REGISTER_PATH = "/api/v1/agents/register";
    public static final String CONNECT_PATH = "/api/v1/agents/connect";
    /** Max WebSocket message size on the CP (512 KiB). */
    public static final int MAX_MESSAGE_SIZE = 512 * 1024;

    private final RateLimiter rateLimiter;
    private final SimulatorState state;
    private final Envelopes envelopes;
    private final LivenessMonitor liveness;
    private final RegistrationHandler registration;
    private final AgentSocketEndpoint sockets;
    private final DevConsoleHandler devConsole;

    // lifecycle (guarded by "this")
    private Server server;
    private volatile int boundPort;
    private final String bindAddress;

    private ControlPlaneSimulator(Builder b) {
        this.bindAddress = b.bindAddress;
        this.rateLimiter = new RateLimiter(b.rateLimitPerMinute, TimeUnit.MINUTES.toNanos(1));
        this.state = new SimulatorState(b.agents, b.approvals);
        this.envelopes = new Envelopes(b.serverOffset);
        this.liveness = new LivenessMonitor(state, b.livenessTimeout, b.livenessCheckInterval, b.pingInterval,
                b.readDeadline);
        this.registration = new RegistrationHandler(state, envelopes, b.bootstrapKey);
        this.sockets = new AgentSocketEndpoint(state, liveness, b.bootstrapKey);
        this.devConsole = new DevConsoleHandler(this, state, envelopes);
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
        connector.setHost(bindAddress);
        connector.setPort(port);
        connector.setReuseAddress(true);
        s.addConnector(connector);
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(s, c -> {
            c.setMaxTextMessageSize(MAX_MESSAGE_SIZE);
            c.setMaxBinaryMessageSize(MAX_MESSAGE_SIZE);
            // Liveness and the read deadline are enforced by the simulator itself.
            c.setIdleTimeout(Duration.ZERO);
        });
        upgrade.setHandler(new RootHandler(rateLimiter, registration, sockets, devConsole));
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
            throw new IllegalStateException("cannot start control-plane simulator on " + bindAddress + ":" + port, e);
        }
        server = s;
        sockets.attach(upgrade.getServerWebSocketContainer());
        boundPort = connector.getLocalPort();
        liveness.start();
        LOG.info("control-plane simulator listening on {}:{}", bindAddress, boundPort);
    }

    /** Stops the server; open sockets are dropped without a close handshake. Known agents are kept. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        List<AgentConnection> open = state.resetRun();
        open.forEach(AgentConnection::drop);
        liveness.stop();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("error stopping simulator: {}", e.toString());
        }
        server = null;
        sockets.detach();
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

    /** {@code ws://<bind address>:<port>}: what an agent gets as {@code --control-plane-url}. */
    public URI webSocketBaseUrl() {
        return URI.create("ws://" + bindAddress + ":" + boundPort);
    }

    /** {@code http://<bind address>:<port>}. */
    public URI httpBaseUrl() {
        return URI.create("http://" + bindAddress + ":" + boundPort);
    }

    // ------------------------------------------------------------------------------------------ admin

    /** Adds (or replaces the key of) a known agent row. */
    public void addAgent(String agentId, String apiKey) {
        ApiKeys.requireKey(apiKey, "apiKey");
        state.addAgent(agentId, apiKey);
    }

    /** Sets the approval state used when {@code agentId} registers with the bootstrap key (default PENDING). */
    public void setApproval(String agentId, Approval approval) {
        Objects.requireNonNull(approval);
        state.setApproval(agentId, approval);
    }

    // ------------------------------------------------------------------------------------------ queries

    public List<ReceivedMessage> received(String agentId) {
        return state.received(agentId);
    }

    /** The accepted {@code status} messages of {@code agentId} about one session, in arrival order. */
    public List<ReceivedMessage> sessionStatuses(String agentId, String sessionId) {
        return received(agentId).stream()
                .filter(m -> m.isAccepted("status") && sessionId.equals(m.payloadText("sessionId"))).toList();
    }

    /** Every text frame the simulator sent to {@code agentId}, in order. */
    public List<String> sent(String agentId) {
        return state.sent(agentId);
    }

    public List<RecordedRegistration> registrations() {
        return state.registrations();
    }

    public boolean isConnected(String agentId) {
        return state.isConnected(agentId);
    }

    /** Number of sockets of {@code agentId} accepted so far (across restarts). */
    public int connectionCount(String agentId) {
        return state.connectionCount(agentId);
    }

    public AgentStatus agentStatus(String agentId) {
        return state.agentStatus(agentId);
    }

    /** The command row, or {@code null} if no such command was sent. */
    public CommandState commandState(String commandId) {
        return state.commandState(commandId);
    }

    /** The session row, or {@code null} if no accepted {@code status} message named it. */
    public SessionState sessionState(String sessionId) {
        return state.sessionState(sessionId);
    }

    /** Unmodifiable view helper for callers that want all agent ids. */
    public Set<String> knownAgents() {
        return state.knownAgents();
    }

    // ------------------------------------------------------------------------------------------ awaiting

    /** The first message of {@code agentId} (in arrival order, since creation) matching {@code p}. */
    public ReceivedMessage awaitMessage(String agentId, Predicate<ReceivedMessage> p, Duration timeout) {
        return awaitMessages(agentId, p, 1, timeout).get(0);
    }

    /** The first {@code count} messages of {@code agentId} matching {@code p}. */
    public List<ReceivedMessage> awaitMessages(String agentId, Predicate<ReceivedMessage> p, int count,
                                               Duration timeout) {
        return state.awaitMessages(agentId, p, count, timeout);
    }

    public void awaitConnected(String agentId, Duration timeout) {
        state.awaitConnected(agentId, timeout);
    }

    public void awaitDisconnected(String agentId, Duration timeout) {
        state.awaitDisconnected(agentId, timeout);
    }

    public void awaitAgentStatus(String agentId, AgentStatus status, Duration timeout) {
        state.awaitAgentStatus(agentId, status, timeout);
    }

    public CommandState awaitCommandStatus(String commandId, CommandState.Status status, Duration timeout) {
        return state.awaitCommandStatus(commandId, status, timeout);
    }

    public SessionState awaitSessionState(String sessionId, String state, Duration timeout) {
        return this.state.awaitSessionState(sessionId, state, timeout);
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
        state.newCommand(commandId, agentId, action, payloadNode);
        try {
            sendRaw(agentId, envelope("command", body));
            LOG.info("-> {} command {} {}", agentId, commandId, action);
        } catch (RuntimeException e) {
            LOG.warn("command {} for {} failed: {}", commandId, agentId, e.getMessage());
            state.commandFailed(commandId, "agent not connected");
        }
        return commandId;
    }

    /** Sends {@code {"type":type,"timestamp":<now>,"payload":payload}} as one text frame. */
    public void sendEnvelope(String agentId, String type, Map<String, ?> payload) {
        sendRaw(agentId, envelope(type, payload == null ? JSON.objectNode() : MAPPER.valueToTree(payload)));
    }

    /** Sends exactly one text frame. Throws {@link IllegalStateException} if the agent is not connected. */
    public void sendRaw(String agentId, String frameText) {
        state.connection(agentId).send(frameText, 1);
        state.recordSent(agentId, frameText);
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
        state.connection(agentId).send(text, parts);
        state.recordSent(agentId, text);
    }

    /** Closes the agent's socket abruptly (TCP close, no close handshake), like a CP crash. */
    public void dropConnection(String agentId) {
        AgentConnection c = state.connection(agentId);
        LOG.info("dropping connection #{} of {}", c.number, agentId);
        c.drop();
    }

    /** Builds an envelope text as the CP would send it. */
    public String envelope(String type, JsonNode payload) {
        return envelopes.envelope(type, payload);
    }

    /**
     * Formats like Go's {@code time.RFC3339Nano} in the server's offset. Go trims trailing zeros; the simulator
     * makes the last digit non-zero so that all 9 fraction digits are always present (agents must cope with both).
     */
    public String timestamp(Instant t) {
        return envelopes.timestamp(t);
    }

    // ------------------------------------------------------------------------------------------ socket

    /**
     * One accepted agent socket (Jetty endpoint). Public only because Jetty invokes it reflectively; not API.
     */
    public static final class AgentConnection implements Session.Listener.AutoDemanding {
        private final AgentSocketEndpoint endpoint;
        final String agentId;
        final Instant connectedAt = Instant.now();
        final Object sendLock = new Object();
        volatile Session session;
        volatile Instant lastPong;
        volatile int number;
        volatile ScheduledFuture<?> pinger;
        private volatile boolean closed;

        AgentConnection(AgentSocketEndpoint endpoint, String agentId) {
            this.endpoint = endpoint;
            this.agentId = agentId;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            this.session = s;
            endpoint.onOpen(this);
        }

        @Override
        public void onWebSocketText(String message) {
            endpoint.onText(this, message);
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
                endpoint.onClosed(this, why);
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
    }

    // ------------------------------------------------------------------------------------------ builder

    public static final class Builder {
        private int port = 0;
        private String bindAddress = "127.0.0.1";
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

        /**
         * The local address to listen on (default 127.0.0.1). Containers reach the host on a Docker bridge's gateway
         * address (e.g. docker0's 172.17.0.1): bind there, never on every interface.
         */
        public Builder bindAddress(String address) {
            if (address == null || address.isBlank() || address.equals("0.0.0.0") || address.equals("::")) {
                throw new IllegalArgumentException("bind to one local address, not '" + address + "'");
            }
            this.bindAddress = address;
            return this;
        }

        /** Port on the bind address; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** A known agent row with its (normal) API key. */
        public Builder agent(String agentId, String apiKey) {
            ApiKeys.requireKey(apiKey, "apiKey of " + agentId);
            agents.put(agentId, apiKey);
            return this;
        }

        /** The CP's {@code AGENT_BOOTSTRAP_KEY}. */
        public Builder bootstrapKey(String key) {
            ApiKeys.requireKey(key, "bootstrapKey");
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
}
