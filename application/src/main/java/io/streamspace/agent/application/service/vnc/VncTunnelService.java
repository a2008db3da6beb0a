package io.streamspace.agent.application.service.vnc;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.port.out.VncConnector;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.application.service.VncTunnelInbound;
import io.streamspace.agent.application.service.session.SessionLabels;
import io.streamspace.agent.application.service.session.SessionSettings;
import io.streamspace.agent.application.service.session.SessionVnc;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import io.streamspace.agent.domain.session.SessionId;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The VNC tunnel through the control-plane socket (protocol §7).
 *
 * <ul>
 *   <li>Per session at most one TCP connection to the session container's VNC port as published on the host
 *       ({@code hostAddress:publishedPort}). It is opened <em>lazily</em> by the first {@code vnc_data} of a viewer
 *       connection (an empty one opens it without writing) and lives until {@code vnc_close}, an error, the end of
 *       the session or the loss of the control-plane socket; the next {@code vnc_data} then opens a fresh one.</li>
 *   <li>Viewer bytes are decoded and written in arrival order on the tunnel's own virtual thread, so the link's
 *       receiving thread never waits for Docker or TCP. Container bytes go back as {@code vnc_data}, base64 of raw
 *       chunks of at most {@link #MAX_CHUNK_BYTES}, in order.</li>
 *   <li>Every failure (bad session id, bad base64, a session that is unknown, not ours or not running, a VNC port
 *       that is not published, connect and I/O errors, the container closing the connection) sends
 *       {@code vnc_error} with a human reason and closes the tunnel; the control plane then closes the viewer.</li>
 *   <li>Traffic either way counts as activity for the idle timer.</li>
 * </ul>
 *
 * <p>It also answers the handlers' {@link SessionVnc} questions: {@link #awaitReady} polls the published VNC port
 * until it accepts connections (bounded by {@code readyTimeout}), and {@link #sessionEnded} closes the tunnel of a
 * session that stops or hibernates, telling the viewer why.
 */
public final class VncTunnelService implements VncTunnelInbound, SessionVnc {

    /** Raw bytes per {@code vnc_data} message, as the protocol allows. */
    public static final int MAX_CHUNK_BYTES = 32 * 1024;
    private static final System.Logger LOG = System.getLogger("DockerAgent");
    private static final Duration MAX_PROBE = Duration.ofSeconds(1);
    /**
     * Viewer bytes one tunnel may hold that the container has not read yet. A VNC server that stops reading (or
     * reads slower than the viewer sends) fills it; then the link waits up to {@link #DEFAULT_QUEUE_WAIT} for room
     * (TCP backpressure towards the control plane) and closes the tunnel with a {@code vnc_error} when none comes,
     * so a slow reader costs at most this much memory.
     */
    public static final int DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_QUEUE_WAIT = Duration.ofSeconds(1);

    private final SessionRuntime runtime;
    private final SessionSettings settings;
    private final VncConnector connector;
    private final ControlPlaneMessages messages;
    private final Consumer<String> activity;
    private final Duration readyTimeout;
    private final Duration pollInterval;
    private final int maxQueuedBytes;
    private final Duration queueWait;
    private final Map<String, Tunnel> tunnels = new ConcurrentHashMap<>();

    /**
     * @param activity     told the session id whenever the tunnel carries bytes (the idle timer's
     *                     {@code recordActivity})
     * @param readyTimeout how long {@link #awaitReady} waits for the VNC port after a start or wake
     * @param pollInterval pause between two readiness probes
     */
    public VncTunnelService(SessionRuntime runtime, SessionSettings settings, VncConnector connector,
                            ControlPlaneMessages messages, Consumer<String> activity, Duration readyTimeout,
                            Duration pollInterval) {
        this(runtime, settings, connector, messages, activity, readyTimeout, pollInterval, DEFAULT_MAX_QUEUED_BYTES,
                DEFAULT_QUEUE_WAIT);
    }

    /**
     * @param maxQueuedBytes viewer bytes a tunnel holds before the container read them (at least 64 KiB)
     * @param queueWait      how long the link waits for room in a full queue before the tunnel is closed
     */
    public VncTunnelService(SessionRuntime runtime, SessionSettings settings, VncConnector connector,
                            ControlPlaneMessages messages, Consumer<String> activity, Duration readyTimeout,
                            Duration pollInterval, int maxQueuedBytes, Duration queueWait) {
        if (maxQueuedBytes < 64 * 1024 || queueWait.isNegative()) {
            throw new IllegalArgumentException("maxQueuedBytes must be at least 64 KiB and queueWait not negative");
        }
        this.maxQueuedBytes = maxQueuedBytes;
        this.queueWait = queueWait;
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.activity = Objects.requireNonNull(activity, "activity");
        if (readyTimeout.isNegative() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("readyTimeout must not be negative and pollInterval must be positive");
        }
        this.readyTimeout = readyTimeout;
        this.pollInterval = pollInterval;
    }

    // --- inbound: the viewer's side -------------------------------------------------------------------------

    @Override
    public void onData(InboundMessage.VncData data) {
        String id = data.sessionId();
        if (id == null || !SessionId.isValid(id)) {
            messages.send(new OutboundMessage.VncError(id == null ? "" : id,
                    "vnc_data names no valid session id (got " + id + ")"));
            return;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(data.base64Data() == null ? "" : data.base64Data());
        } catch (IllegalArgumentException e) {
            fail(id, "vnc_data for session " + id + " is not valid base64: " + e.getMessage());
            return;
        }
        Tunnel tunnel = tunnels.computeIfAbsent(id, Tunnel::new);
        tunnel.write(bytes);
    }

    @Override
    public void onClose(InboundMessage.VncClose close) {
        Tunnel tunnel = close.sessionId() == null ? null : tunnels.get(close.sessionId());
        if (tunnel == null) {
            LOG.log(Level.DEBUG, "vnc_close for {0}: no tunnel is open", close.sessionId());
            return;
        }
        LOG.log(Level.INFO, "Closing the VNC tunnel of session {0}: the viewer went away ({1})", close.sessionId(),
                close.reason() == null || close.reason().isBlank() ? "no reason given" : close.reason());
        close(tunnel, null);
    }

    @Override
    public void linkLost() {
        if (!tunnels.isEmpty()) {
            LOG.log(Level.INFO, "Closing {0} VNC tunnel(s): the control-plane socket is gone",
                    String.valueOf(tunnels.size()));
        }
        tunnels.values().forEach(t -> close(t, null));
    }

    /** Whether a tunnel is open (or opening) for the session. */
    public boolean isOpen(String sessionId) {
        return tunnels.containsKey(sessionId);
    }

    /** Viewer bytes the session's tunnel holds that its container has not read yet; 0 without a tunnel. */
    public int queuedBytes(String sessionId) {
        Tunnel tunnel = tunnels.get(sessionId);
        return tunnel == null ? 0 : tunnel.queuedBytes();
    }

    // --- the session handlers' side -------------------------------------------------------------------------

    @Override
    public boolean awaitReady(String sessionId, ContainerState running) throws InterruptedException {
        Endpoint endpoint;
        try {
            endpoint = endpoint(sessionId, running);
        } catch (TunnelException e) {
            LOG.log(Level.INFO, "No vnc_ready for session {0}: {1}", sessionId, e.getMessage());
            return false;
        }
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Duration probe = Duration.ofNanos(Math.max(1, Math.min(left, MAX_PROBE.toNanos())));
            if (connector.accepts(endpoint.host(), endpoint.port(), probe)) {
                LOG.log(Level.INFO, "VNC port of session {0} accepts connections on {1}", sessionId, endpoint);
                return true;
            }
            left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.log(Level.WARNING, "VNC port of session {0} ({1}) did not accept connections within {2} ms;"
                        + " reporting vncReady false", sessionId, endpoint, String.valueOf(readyTimeout.toMillis()));
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, pollInterval.toNanos()));
        }
    }

    @Override
    public boolean readyNow(String sessionId, ContainerState running) {
        try {
            Endpoint endpoint = endpoint(sessionId, running);
            return connector.accepts(endpoint.host(), endpoint.port(), MAX_PROBE);
        } catch (TunnelException e) {
            return false;
        }
    }

    @Override
    public void sessionEnded(String sessionId, String reason) {
        Tunnel tunnel = tunnels.get(sessionId);
        if (tunnel != null) {
            LOG.log(Level.INFO, "Closing the VNC tunnel of session {0}: {1}", sessionId, reason);
            close(tunnel, reason);
        }
    }

    // --- the tunnel -----------------------------------------------------------------------------------------

    /** Sends {@code vnc_error}; closes the session's tunnel if one is open. */
    private void fail(String sessionId, String reason) {
        LOG.log(Level.WARNING, "VNC tunnel of session {0}: {1}", sessionId, reason);
        Tunnel tunnel = tunnels.get(sessionId);
        if (tunnel == null || !close(tunnel, reason)) {
            messages.send(new OutboundMessage.VncError(sessionId, reason));
        }
    }

    /**
     * Closes a tunnel once; {@code viewerReason} non-null sends {@code vnc_error} with it.
     *
     * @return whether this call closed it
     */
    private boolean close(Tunnel tunnel, String viewerReason) {
        if (!tunnel.closed.compareAndSet(false, true)) {
            return false;
        }
        tunnels.remove(tunnel.sessionId, tunnel);
        tunnel.io.shutdown(); // queued writes see the tunnel closed and drop their bytes
        VncConnector.VncConnection connection = tunnel.connection;
        if (connection != null) {
            connection.close();
        }
        if (viewerReason != null) {
            messages.send(new OutboundMessage.VncError(tunnel.sessionId, viewerReason));
        }
        return true;
    }

    private final class Tunnel {
        final String sessionId;
        final ExecutorService io;
        final AtomicBoolean closed = new AtomicBoolean();
        /** Room for viewer bytes not yet written to the container; every queued write holds its size. */
        final Semaphore room = new Semaphore(maxQueuedBytes);
        volatile VncConnector.VncConnection connection;

        Tunnel(String sessionId) {
            this.sessionId = sessionId;
            this.io = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("vnc-tunnel-" + sessionId).factory());
        }

        /**
         * Queues bytes for the container, opening the connection first if needed. Blocks the caller (the link) up
         * to the queue wait while the queue is full; closes the tunnel when it stays full.
         */
        void write(byte[] bytes) {
            int size = Math.min(maxQueuedBytes, Math.max(1, bytes.length));
            try {
                if (!room.tryAcquire(size, queueWait.toNanos(), TimeUnit.NANOSECONDS)) {
                    fail(this, "the VNC server of session " + sessionId + " does not read what the viewer sends ("
                            + (maxQueuedBytes - room.availablePermits()) + " bytes waiting); tunnel closed");
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                io.execute(() -> {
                    try {
                        writeNow(bytes);
                    } finally {
                        room.release(size);
                    }
                });
            } catch (RejectedExecutionException e) {
                room.release(size);
                // closed meanwhile: the bytes belonged to the connection that just ended
                LOG.log(Level.DEBUG, "VNC tunnel of session {0} closed; dropped {1} bytes", sessionId,
                        String.valueOf(bytes.length));
            }
        }

        /** Viewer bytes queued and not yet written to the container (for tests and diagnostics). */
        int queuedBytes() {
            return maxQueuedBytes - room.availablePermits();
        }

        private void writeNow(byte[] bytes) {
            if (closed.get()) {
                return;
            }
            try {
                if (connection == null) {
                    connection = open();
                    if (closed.get()) {
                        connection.close();
                        return;
                    }
                }
                if (bytes.length > 0) {
                    connection.write(bytes);
                    activity.accept(sessionId);
                }
            } catch (TunnelException e) {
                fail(this, e.getMessage());
            } catch (IOException e) {
                fail(this, "writing to the VNC port of session " + sessionId + " failed: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "VNC tunnel of session " + sessionId + " failed unexpectedly", e);
                fail(this, "the VNC tunnel of session " + sessionId + " failed: " + e);
            }
        }

        private VncConnector.VncConnection open() throws TunnelException {
            ContainerState container;
            try {
                container = runtime.inspect(SessionSettings.containerName(sessionId)).orElse(null);
            } catch (RuntimeOperationException e) {
                throw new TunnelException("cannot look up session " + sessionId + ": " + e.getMessage());
            }
            Endpoint endpoint = endpoint(sessionId, container);
            try {
                VncConnector.VncConnection opened = connector.open(endpoint.host(), endpoint.port(),
                        this::fromSession, this::closedBySession);
                LOG.log(Level.INFO, "VNC tunnel of session {0} connected to {1}", sessionId, endpoint);
                return opened;
            } catch (IOException e) {
                throw new TunnelException("cannot connect to the VNC port of session " + sessionId + " (" + endpoint
                        + "): " + e.getMessage());
            }
        }

        /** Bytes from the container, on the connection's reader thread. */
        private void fromSession(byte[] bytes) {
            for (int from = 0; from < bytes.length && !closed.get(); from += MAX_CHUNK_BYTES) {
                byte[] chunk = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + MAX_CHUNK_BYTES));
                messages.send(new OutboundMessage.VncData(sessionId, Base64.getEncoder().encodeToString(chunk)));
            }
            activity.accept(sessionId);
        }

        private void closedBySession(String reason) {
            if (!closed.get()) {
                fail(this, "the VNC connection of session " + sessionId + " ended: " + reason);
            }
        }
    }

    private void fail(Tunnel tunnel, String reason) {
        LOG.log(Level.WARNING, "VNC tunnel of session {0}: {1}", tunnel.sessionId, reason);
        close(tunnel, reason);
    }

    // --- where the VNC port is --------------------------------------------------------------------------------

    private record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** The host address and published port of the session's VNC container port; checks the container is ours. */
    private Endpoint endpoint(String sessionId, ContainerState container) throws TunnelException {
        String name = SessionSettings.containerName(sessionId);
        if (container == null) {
            throw new TunnelException("session " + sessionId + " is not running on this agent (no container " + name
                    + ")");
        }
        Map<String, String> labels = container.labels() == null ? Map.of() : container.labels();
        boolean owned = settings.ownerLabels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        if (!owned) {
            throw new TunnelException("session " + sessionId + " is not managed by this agent");
        }
        if (!container.running()) {
            throw new TunnelException("session " + sessionId + " is not running (its container is "
                    + container.status() + ")");
        }
        Integer vncPort = vncPort(labels);
        if (vncPort == null) {
            throw new TunnelException("session " + sessionId + " has no VNC port (its template declares no ports)");
        }
        Integer published = container.publishedPorts() == null ? null : container.publishedPorts().get(vncPort);
        if (published == null) {
            throw new TunnelException("VNC port " + vncPort + " of session " + sessionId + " is not published on the"
                    + " host");
        }
        return new Endpoint(connectHost(settings.hostAddress()), published);
    }

    private static Integer vncPort(Map<String, String> labels) {
        String label = labels.get(SessionLabels.VNC_PORT);
        try {
            return label == null ? null : Integer.valueOf(label);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Ports published on every address are reached on loopback. */
    private static String connectHost(String hostAddress) {
        return switch (hostAddress) {
            case "", "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "::1";
            default -> hostAddress;
        };
    }

    private static final class TunnelException extends Exception {
        TunnelException(String message) {
            super(message);
        }
    }
}
