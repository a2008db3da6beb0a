package io.streamspace.agent.application.service;

import io.streamspace.agent.application.port.in.DescribeAgent;
import io.streamspace.agent.application.port.in.HandleControlPlaneCommand;
import io.streamspace.agent.application.port.in.ServeControlPlane;
import io.streamspace.agent.application.port.out.ConnectFailedException;
import io.streamspace.agent.application.port.out.ControlPlaneConnection;
import io.streamspace.agent.application.port.out.ControlPlaneGateway;
import io.streamspace.agent.application.port.out.Outbox;
import io.streamspace.agent.application.port.out.RegistrationOutcome;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import jakarta.inject.Provider;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * Keeps the agent registered and connected: register, connect, heartbeat at once and then every interval,
 * dispatch what arrives, and on any loss re-register and reconnect forever with exponential backoff and full
 * jitter. Outcome messages go through the durable {@link Outbox} first (written ahead, removed once sent), so
 * what was produced while the link was down, or before a crash, is sent in order after the next connect.
 */
public final class ControlPlaneLinkService implements ServeControlPlane, ControlPlaneMessages {

    private static final System.Logger LOG = System.getLogger("DockerAgent");
    private static final System.Logger HEARTBEAT_LOG = System.getLogger("Heartbeat");

    private final ControlPlaneGateway gateway;
    private final LinkSettings settings;
    private final Provider<HandleControlPlaneCommand> commands;
    private final ActiveSessions activeSessions;
    private final List<LinkListener> linkListeners;
    private final DoubleSupplier random;
    private final Outbox outbox;
    private final VncTunnelInbound vnc;

    private final Object sendLock = new Object();
    private volatile CountDownLatch stopLatch = new CountDownLatch(1);
    private volatile StopReason stopReason;
    private volatile Connection current;
    private volatile Map<String, Object> heartbeatDetails = Map.of();
    private final Clock clock;
    private volatile String linkState = "stopped";
    private volatile Instant linkSince;
    private volatile Instant lastHeartbeat;
    private final AtomicLong connections = new AtomicLong();
    private final Queue<InboundMessage.Command> admissions = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean admitting = new AtomicBoolean();
    /**
     * Command ids of terminal answers stored in the outbox whose journal entry has not ended yet: neither sent nor
     * handed over until it has ({@link #answer}).
     */
    private final Set<String> heldAnswers = ConcurrentHashMap.newKeySet();

    public ControlPlaneLinkService(ControlPlaneGateway gateway, LinkSettings settings,
                                   Provider<HandleControlPlaneCommand> commands, ActiveSessions activeSessions,
                                   List<LinkListener> linkListeners, DoubleSupplier random, Outbox outbox) {
        this(gateway, settings, commands, activeSessions, linkListeners, random, outbox, VncTunnelInbound.NONE);
    }

    /** With the VNC tunnel: {@code vnc_data}/{@code vnc_close} go to {@code vnc}, which is told when a socket ends. */
    public ControlPlaneLinkService(ControlPlaneGateway gateway, LinkSettings settings,
                                   Provider<HandleControlPlaneCommand> commands, ActiveSessions activeSessions,
                                   List<LinkListener> linkListeners, DoubleSupplier random, Outbox outbox,
                                   VncTunnelInbound vnc) {
        this(gateway, settings, commands, activeSessions, linkListeners, random, outbox, vnc,
                Clock.systemUTC());
    }

    /** With the clock the link's state times ({@link #linkStatus()}) are read from. */
    public ControlPlaneLinkService(ControlPlaneGateway gateway, LinkSettings settings,
                                   Provider<HandleControlPlaneCommand> commands, ActiveSessions activeSessions,
                                   List<LinkListener> linkListeners, DoubleSupplier random, Outbox outbox,
                                   VncTunnelInbound vnc, Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        this.linkSince = clock.instant();
        this.vnc = vnc;
        this.gateway = gateway;
        this.settings = settings;
        this.commands = commands;
        this.activeSessions = activeSessions;
        this.linkListeners = List.copyOf(linkListeners);
        this.random = random;
        this.outbox = outbox;
    }

    /**
     * Makes a stopped link ready to serve again, for the next leadership term. Called before {@link #serve()}
     * starts (a stop that comes after this call is honoured).
     */
    public void prepareNewTerm() {
        stopReason = null;
        stopLatch = new CountDownLatch(1);
    }

    /** Extra facts for the heartbeat's {@code details} (version, docker version, leader instance). */
    public void heartbeatDetails(Map<String, Object> details) {
        this.heartbeatDetails = Map.copyOf(details);
    }

    @Override
    public StopReason serve() throws InterruptedException {
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("heartbeat").factory());
        int failures = 0;
        try {
            while (!stopped()) {
                state("connecting");
                RegistrationOutcome outcome = gateway.register(settings.registration());
                switch (outcome) {
                    case RegistrationOutcome.Registered r ->
                            LOG.log(Level.INFO, "Registered successfully (ID: {0}, Status: {1})", r.id(), r.status());
                    case RegistrationOutcome.PendingApproval p -> {
                        LOG.log(Level.INFO, "Registration is pending approval by an operator ({0}); asking again in {1} s",
                                p.message(), String.valueOf(settings.approvalRetry().toSeconds()));
                        pause(settings.approvalRetry());
                        continue;
                    }
                    case RegistrationOutcome.Rejected r -> {
                        LOG.log(Level.ERROR, "The control plane rejected this agent''s registration: {0}", r.message());
                        stopReason = StopReason.REJECTED_BY_CONTROL_PLANE;
                        return stopReason;
                    }
                    case RegistrationOutcome.Refused r -> {
                        Duration delay = backoff(failures++);
                        LOG.log(Level.ERROR, "The control plane refused registration (HTTP {0}: {1}); check the agent id"
                                        + " and API key; retrying in {2} ms", String.valueOf(r.httpStatus()), r.error(), String.valueOf(delay.toMillis()));
                        pause(delay);
                        continue;
                    }
                    case RegistrationOutcome.RateLimited r -> {
                        Duration delay = max(r.retryAfter(), backoff(failures++));
                        LOG.log(Level.WARNING, "Registration rate-limited by the control plane; retrying in {0} ms",
                                String.valueOf(delay.toMillis()));
                        pause(delay);
                        continue;
                    }
                    case RegistrationOutcome.Unavailable u -> {
                        Duration delay = backoff(failures++);
                        LOG.log(Level.WARNING, "Cannot register with the control plane ({0}); retrying in {1} ms",
                                u.reason(), String.valueOf(delay.toMillis()));
                        pause(delay);
                        continue;
                    }
                }
                if (stopped()) {
                    break;
                }
                LOG.log(Level.INFO, "Connecting to Control Plane...");
                Connection connection = new Connection();
                try {
                    connection.socket = gateway.connect(connection);
                } catch (ConnectFailedException e) {
                    Duration delay = e.httpStatus() == 429 ? max(Duration.ofSeconds(60), backoff(failures++))
                            : backoff(failures++);
                    LOG.log(Level.WARNING, "WebSocket connection failed: {0}; retrying in {1} ms", e.getMessage(),
                            String.valueOf(delay.toMillis()));
                    pause(delay);
                    continue;
                }
                long connectedAt = System.nanoTime();
                current = connection;
                connections.incrementAndGet();
                state("connected");
                LOG.log(Level.INFO, "WebSocket connected");
                LOG.log(Level.INFO, "Connected to Control Plane: {0}", gateway.describe());
                sendHeartbeat();
                flushPending();
                connection.ready();
                linkListeners.forEach(LinkListener::onConnected);
                long intervalMs = settings.heartbeatInterval().toMillis();
                ScheduledFuture<?> ticker = heartbeats.scheduleAtFixedRate(this::sendHeartbeat, intervalMs,
                        intervalMs, TimeUnit.MILLISECONDS);
                connection.closed.await();
                ticker.cancel(false);
                current = null;
                state("disconnected");
                vnc.linkLost();
                if (stopped()) {
                    connection.socket.close("agent stopping");
                    break;
                }
                long connectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedAt);
                if (connectedMs >= settings.stableConnection().toMillis()) {
                    failures = 0;
                }
                Duration delay = backoff(failures++);
                LOG.log(Level.WARNING, "Disconnected from Control Plane ({0}); reconnecting in {1} ms",
                        connection.closeReason, String.valueOf(delay.toMillis()));
                pause(delay);
            }
        } finally {
            state("stopped");
            heartbeats.shutdownNow();
            Connection last = current;
            current = null;
            if (last != null && last.socket != null) {
                last.socket.close("agent stopping");
            }
            vnc.linkLost();
        }
        return stopReason == null ? StopReason.STOPPED : stopReason;
    }

    @Override
    public void stop() {
        stop(StopReason.STOPPED);
    }

    private void stop(StopReason reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
        stopLatch.countDown();
        Connection connection = current;
        if (connection != null) {
            connection.closed.countDown();
        }
    }

    /**
     * The link as the status panel shows it: {@code connecting} (registering or opening the socket, also while
     * backing off after a failed attempt), {@code connected}, {@code disconnected} (waiting to reconnect) or
     * {@code stopped} (not serving: a standby or a stopping agent).
     */
    public DescribeAgent.Link linkStatus() {
        long made = connections.get();
        return new DescribeAgent.Link(linkState, linkSince, lastHeartbeat,
                Math.max(0, made - 1), outbox.size());
    }

    private void state(String state) {
        if (!state.equals(linkState)) {
            linkState = state;
            linkSince = clock.instant();
        }
    }

    /** Whether a socket is open right now. */
    public boolean isConnected() {
        Connection connection = current;
        return connection != null && connection.socket != null && connection.socket.isOpen();
    }

    @Override
    public void send(OutboundMessage message) {
        deliver(message);
    }

    /**
     * The answer is appended to the outbox and held there (not sent, not handed over, and neither is anything
     * behind it) while {@code answered} runs: the command leaves the journal before the control plane can see its
     * answer, so a process killed in between leaves the answer waiting in the outbox, and the next one sends it
     * instead of answering the command again ({@link SettledCommandJournal}).
     */
    @Override
    public void answer(OutboundMessage answer, Runnable answered) {
        String commandId = answer.answeredCommandId();
        if (commandId == null || !heldAnswers.add(commandId)) {
            // not an answer, or the same command answered twice at once (a caller's mistake): no hold to take
            ControlPlaneMessages.super.answer(answer, answered);
            return;
        }
        try {
            outbox.append(answer);
            answered.run();
        } finally {
            heldAnswers.remove(commandId);
            flushPending(); // also when the journal failed to end: the stored answer is sent in any case
        }
    }

    /** How many of {@code batch} (peeked from the outbox) may leave it now: those before the first held answer. */
    private int releasable(List<OutboundMessage> batch) {
        if (heldAnswers.isEmpty()) {
            return batch.size();
        }
        for (int i = 0; i < batch.size(); i++) {
            String answered = batch.get(i).answeredCommandId();
            if (answered != null && heldAnswers.contains(answered)) {
                return i;
            }
        }
        return batch.size();
    }

    /**
     * Heartbeats and tunnel bytes go out now or never (they are worthless later). Outcome messages are written to
     * the outbox first and then flushed in order, so a crash or an outage between the work and the send loses
     * nothing (the control plane accepts a repeated {@code status} or {@code complete}).
     *
     * @return whether the message went out on the socket now
     */
    private boolean deliver(OutboundMessage message) {
        if (message instanceof OutboundMessage.Ack && sendAckNow(message)) {
            return true;
        }
        if (message.mustDeliver()) {
            // Appended outside sendLock: while one thread sends and removes a batch (fsyncs), others append, and
            // the next flush sends all of theirs with a single removal (group commit of the outbox's offset).
            // The outbox keeps append order, and each thread's messages are appended in its own order.
            outbox.append(message);
            flushPending();
            return outbox.size() == 0;
        }
        synchronized (sendLock) {
            Connection connection = current;
            if (connection != null && connection.socket.isOpen()) {
                try {
                    connection.socket.send(message);
                    return true;
                } catch (ControlPlaneConnection.SendFailedException e) {
                    LOG.log(Level.WARNING, "Could not send {0}: {1}", message.type(), e.getMessage());
                }
            }
            LOG.log(Level.DEBUG, "Dropped {0} while the control plane is unreachable", message.type());
            return false;
        }
    }

    /**
     * An {@code ack} goes straight onto an open socket, without the outbox and without waiting for
     * {@code sendLock} (held by workers while their outcome messages are fsynced): under a start storm those fsyncs
     * queued acks for seconds (docs/benchmarks.md, acknowledgement latency). It needs no outbox entry: the command
     * it acknowledges is already in the command journal, written before the ack, and a process that dies before
     * sending it leaves that entry for the next process to answer. It may overtake outcome messages of other
     * commands still queued; the protocol orders nothing across commands, and a command's own answer is only
     * produced after its ack. When the socket is down or the send fails, the ack is queued like any outcome.
     */
    private boolean sendAckNow(OutboundMessage ack) {
        Connection connection = current;
        if (connection == null || !connection.socket.isOpen()) {
            return false;
        }
        try {
            connection.socket.send(ack);
            return true;
        } catch (ControlPlaneConnection.SendFailedException e) {
            LOG.log(Level.WARNING, "Could not send {0} now, queueing it: {1}", ack.type(), e.getMessage());
            return false;
        }
    }

    /** How many outcome messages wait for the link. */
    public int pendingCount() {
        return outbox.size();
    }

    /**
     * A replica that does not lead hands what its outbox holds to the leader through {@code handover} (ADR 0015):
     * the answers of commands it acknowledged in a term that ended, finished after it fenced itself. Only while no
     * socket of this link is open, under the lock the flush holds, so a message is either sent here or handed over,
     * never both. A failure leaves the rest for the next call.
     *
     * @return how many messages were handed over
     */
    public int handOverPending(io.streamspace.agent.application.port.out.AnswerHandover handover) {
        int moved = 0;
        synchronized (sendLock) {
            while (current == null) {
                List<OutboundMessage> batch = outbox.peek(100);
                batch = batch.subList(0, releasable(batch));
                if (batch.isEmpty()) {
                    break; // empty, or a held answer first: a later exchange moves it
                }
                handover.handOver(batch);
                outbox.remove(batch.size());
                moved += batch.size();
            }
        }
        if (moved > 0) {
            LOG.log(Level.WARNING, "Handed {0} result message(s) of an ended leadership term over to the leader",
                    String.valueOf(moved));
        }
        return moved;
    }

    /**
     * The leader takes what other replicas handed over into its own outbox and sends it with its own results
     * (ADR 0015). Each message is taken by exactly one leader; taken messages are stored like any result.
     *
     * @return how many messages were taken
     */
    public int takeHandedOver(io.streamspace.agent.application.port.out.AnswerHandover handover) {
        int taken = 0;
        while (true) {
            List<OutboundMessage> batch = handover.take(100);
            if (batch.isEmpty()) {
                break;
            }
            batch.forEach(outbox::append);
            taken += batch.size();
        }
        if (taken > 0) {
            LOG.log(Level.WARNING, "Sending {0} result message(s) that a former leader handed over",
                    String.valueOf(taken));
            flushPending();
        }
        return taken;
    }

    private void flushPending() {
        synchronized (sendLock) {
            Connection connection = current;
            if (connection == null || !connection.socket.isOpen()) {
                return;
            }
            while (true) {
                List<OutboundMessage> batch = outbox.peek(100);
                batch = batch.subList(0, releasable(batch));
                if (batch.isEmpty()) {
                    return; // empty, or a held answer first: its worker flushes once the hold ends
                }
                int sent = 0;
                try {
                    for (OutboundMessage message : batch) {
                        connection.socket.send(message);
                        sent++;
                    }
                } catch (ControlPlaneConnection.SendFailedException e) {
                    LOG.log(Level.WARNING, "Could not deliver queued results: {0}", e.getMessage());
                    return;
                } finally {
                    if (sent > 0) {
                        outbox.remove(sent);
                    }
                }
            }
        }
    }

    private void sendHeartbeat() {
        Connection connection = current;
        if (connection == null) {
            return;
        }
        int active = activeSessions.count();
        if (deliver(new OutboundMessage.Heartbeat("online", active, settings.registration().capacity(),
                heartbeatDetails))) {
            lastHeartbeat = clock.instant();
            HEARTBEAT_LOG.log(Level.INFO, "Sent heartbeat (activeSessions: {0})", String.valueOf(active));
        }
    }

    private void dispatch(InboundMessage message) {
        switch (message) {
            case InboundMessage.Command c -> admit(c);
            case InboundMessage.Ping p -> send(new OutboundMessage.Pong());
            case InboundMessage.Shutdown s -> {
                LOG.log(Level.INFO, "The control plane asked this agent to shut down");
                stop(StopReason.SHUTDOWN_REQUESTED);
            }
            case InboundMessage.VncData v -> vnc.onData(v);
            case InboundMessage.VncClose v -> vnc.onClose(v);
            case InboundMessage.Unknown u -> LOG.log(Level.DEBUG, "Ignoring message of unknown type {0}", u.type());
        }
    }

    /**
     * Hands a command to the admission worker and returns, so the socket's reader thread goes on reading while the
     * worker makes the journal entries durable: the commands that arrive during one sync are admitted together
     * with the next (group commit), in arrival order. The worker is a platform thread started when the queue
     * stops being empty and ending when it is empty again: the commands' work runs on virtual threads, which the
     * JVM never preempts, so under a start storm a virtual admission worker waited for a carrier behind the start
     * workers' CPU work (docker-java's JSON) and every ack with it; the kernel schedules a platform thread that
     * wakes up promptly (docs/benchmarks.md, acknowledgement latency).
     */
    private void admit(InboundMessage.Command command) {
        admissions.add(command);
        if (admitting.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("command-admission").start(this::drainAdmissions);
        }
    }

    private void drainAdmissions() {
        while (true) {
            List<InboundMessage.Command> batch = new ArrayList<>();
            for (InboundMessage.Command next = admissions.poll(); next != null; next = admissions.poll()) {
                batch.add(next);
            }
            if (!batch.isEmpty()) {
                try {
                    commands.get().handleAll(batch);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "Handling " + batch.size() + " command(s) failed", e);
                }
                continue;
            }
            admitting.set(false);
            // a command queued after the poll above and before the flag was cleared found the flag still set
            if (admissions.isEmpty() || !admitting.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private boolean stopped() {
        return stopLatch.getCount() == 0;
    }

    private void pause(Duration delay) throws InterruptedException {
        stopLatch.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Duration backoff(int failures) {
        return settings.backoff().delay(failures, random.getAsDouble());
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * One socket's listener and its end. Messages that arrive before the socket is ready (the first heartbeat
     * sent and queued results flushed) wait, so replies such as a pong are not lost in that instant.
     */
    private final class Connection implements ControlPlaneConnection.Listener {
        final CountDownLatch closed = new CountDownLatch(1);
        volatile ControlPlaneConnection socket;
        volatile String closeReason = "closed";
        private final List<InboundMessage> early = new java.util.ArrayList<>();
        private boolean ready;

        synchronized void ready() {
            ready = true;
            early.forEach(this::handle);
            early.clear();
        }

        @Override
        public void onMessage(InboundMessage message) {
            synchronized (this) {
                if (!ready) {
                    early.add(message);
                    return;
                }
            }
            handle(message);
        }

        private void handle(InboundMessage message) {
            try {
                dispatch(message);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Handling a " + message.getClass().getSimpleName() + " message failed", e);
            }
        }

        @Override
        public void onMalformed(String excerpt, String reason) {
            LOG.log(Level.WARNING, "Ignoring malformed message from the control plane ({0}): {1}", reason, excerpt);
        }

        @Override
        public void onClosed(String reason) {
            closeReason = reason;
            closed.countDown();
        }
    }
}
