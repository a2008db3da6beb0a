package io.streamspace.agent.application.service.election;

import io.streamspace.agent.application.port.in.LeadAgent;
import io.streamspace.agent.application.port.in.ServeControlPlane;
import io.streamspace.agent.application.port.in.ServeControlPlane.StopReason;
import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.port.out.LeaderLock.Lease;
import io.streamspace.agent.application.port.out.LeaderLockUnavailableException;
import io.streamspace.agent.domain.election.Leadership;
import io.streamspace.agent.domain.election.LeadershipState;
import io.streamspace.agent.domain.election.LeaseTiming;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs the agent only while this instance leads it, with self-fencing.
 *
 * <p>Standby: every retry period, try to acquire the {@link LeaderLock}; say (throttled) who leads instead. A
 * standby never registers, connects or touches the runtime.
 *
 * <p>Leader: log the seed's lines with the epoch, tell the {@link LeadershipListener}s, then run a <em>fresh</em>
 * {@link ServeControlPlane} from the factory on its own thread (one link per term, so leading again after a loss
 * never reuses a stopped link). Renew every {@link LeaseTiming#renewInterval()}. Time is measured on a monotonic
 * clock ({@code nanoTime}) from the moment each renewal request was sent; when no renewal is confirmed within the
 * renew deadline (the backend is unreachable, slow or hung: lock calls run on their own threads and are never
 * waited for past the deadline), or the lock says the lease is no longer ours, the leader <em>fences itself</em>:
 * listeners are told first (stop executing commands), the link is stopped and awaited, and the instance goes back
 * to standby. The lease is longer than the renew deadline, so this happens before anyone else can acquire.
 *
 * <p>{@link #stop()}: a leader stops its link, waits for it (at most until its own renew deadline), then releases the
 * lock at once so that a standby leads within one retry period.
 *
 * <p>If the link ends by itself, the control plane's final answers (rejected, asked to shut down) end
 * {@link #run()} with that reason after releasing the lock; anything else (the link failed) steps down, releases,
 * and campaigns again.
 */
public final class LeaderElectionService implements LeadAgent {

    private static final System.Logger LOG = System.getLogger("LeaderElection");
    private static final System.Logger AGENT_LOG = System.getLogger("DockerAgent");

    private final LeaderLock lock;
    private final ElectionSettings settings;
    private final LeaseTiming timing;
    private final Supplier<? extends ServeControlPlane> links;
    private final List<LeadershipListener> listeners;
    private final LongSupplier nanoTime;
    private final ExecutorService calls = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("leader-lock-", 0).factory());

    /** Guards the wake-ups of the election loop: stop requests, link ends, lock calls completing. */
    private final Object signal = new Object();
    private volatile boolean stopRequested;
    private volatile LeadershipState state;
    private volatile Lease currentLease;
    private boolean running;

    private String lastStandbyMessage;
    private long lastStandbyLogAt;

    /**
     * @param lock      the leader lock of {@code settings.agentId()}
     * @param links     a <em>new</em> control-plane link per call: one is taken for each term of leadership
     * @param listeners told when leadership starts and ends (epoch in messages, command gate)
     * @param nanoTime  the monotonic clock ({@code System::nanoTime}); injected for tests
     */
    public LeaderElectionService(LeaderLock lock, ElectionSettings settings, Supplier<? extends ServeControlPlane> links,
                                 List<LeadershipListener> listeners, LongSupplier nanoTime) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timing = settings.timing();
        this.links = Objects.requireNonNull(links, "links");
        this.listeners = List.copyOf(listeners);
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.state = LeadershipState.standby(timing);
    }

    public LeaderElectionService(LeaderLock lock, ElectionSettings settings, Supplier<? extends ServeControlPlane> links,
                                 List<LeadershipListener> listeners) {
        this(lock, settings, links, listeners, System::nanoTime);
    }

    /** The lease of the current term, empty while standing by. */
    public Optional<Lease> currentLease() {
        return Optional.ofNullable(currentLease);
    }

    /** Whether this instance leads right now (its last renewal is within the renew deadline). */
    public boolean isLeader() {
        return state.decide(nanoTime.getAsLong()) == Leadership.LEADING;
    }

    @Override
    public StopReason run() throws InterruptedException {
        synchronized (signal) {
            if (running) {
                throw new IllegalStateException("the leader election is already running");
            }
            running = true;
        }
        LOG.log(Level.INFO, "Campaigning for leadership of agent {0} as instance {1} (lease {2} ms, renew deadline {3} ms,"
                        + " retry {4} ms)", settings.agentId(), settings.instanceId(),
                String.valueOf(timing.lease().toMillis()), String.valueOf(timing.renewDeadline().toMillis()),
                String.valueOf(timing.retry().toMillis()));
        try {
            while (!stopRequested) {
                long sentAt = nanoTime.getAsLong();
                Optional<Lease> acquired = acquire();
                if (acquired.isPresent()) {
                    Optional<StopReason> end = lead(acquired.get(), sentAt);
                    if (end.isPresent()) {
                        return end.get();
                    }
                }
                if (!stopRequested) {
                    pause(timing.retry().toNanos());
                }
            }
            return StopReason.STOPPED;
        } finally {
            calls.shutdown();
            LOG.log(Level.INFO, "Leader election for agent {0} stopped", settings.agentId());
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
        wake();
    }

    // ---------------------------------------------------------------------------------------------
    // Standby

    private Optional<Lease> acquire() throws InterruptedException {
        // Generous: a slow answer is still a valid term, since its deadline counts from when the request was sent.
        Call<Optional<Lease>> call = call(() -> lock.tryAcquire(settings.instanceId()), timing.renewDeadline().toNanos());
        if (call.outcome == Outcome.DONE) {
            if (call.value.isPresent()) {
                lastStandbyMessage = null;
                return call.value;
            }
            standingBy();
            return Optional.empty();
        }
        if (call.outcome == Outcome.ABANDONED || call.outcome == Outcome.STOPPING) {
            // If the acquisition still succeeds, nobody will renew it: hand it back rather than block others.
            call.future.thenAccept(late -> late.ifPresent(this::releaseQuietly));
        }
        if (call.outcome == Outcome.STOPPING) {
            return Optional.empty();
        }
        standbyLog(Level.WARNING, "Cannot campaign for leadership of agent " + settings.agentId() + ": "
                + call.problem() + "; retrying every " + timing.retry().toMillis() + " ms");
        return Optional.empty();
    }

    private void standingBy() throws InterruptedException {
        Call<Optional<String>> holder = call(lock::currentHolder, timing.renewDeadline().toNanos());
        String message;
        if (holder.outcome == Outcome.DONE && holder.value.isPresent()) {
            message = "Standing by: " + holder.value.get() + " leads agent " + settings.agentId();
        } else if (holder.outcome == Outcome.DONE) {
            message = "Standing by: the leader lock of agent " + settings.agentId() + " is changing hands";
        } else {
            message = "Standing by: another instance leads agent " + settings.agentId() + " (" + holder.problem() + ")";
        }
        standbyLog(Level.INFO, message);
    }

    /** Logs when the message changes, else at most once per standby log interval. */
    private void standbyLog(Level level, String message) {
        long now = nanoTime.getAsLong();
        if (!message.equals(lastStandbyMessage)
                || now - lastStandbyLogAt >= settings.standbyLogInterval().toNanos()) {
            LOG.log(level, message);
            lastStandbyMessage = message;
            lastStandbyLogAt = now;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Leader

    /**
     * One term: serve while renewals are confirmed.
     *
     * @return the reason to end {@link #run()}, or empty to campaign again
     */
    private Optional<StopReason> lead(Lease lease, long acquireSentAt) throws InterruptedException {
        LeadershipState.Leading leading = state.acquired(lease.epoch(), acquireSentAt);
        state = leading;
        currentLease = lease;
        LOG.log(Level.INFO, "🎖️  Became leader for agent: {0} (epoch {1}, instance {2})", lease.agentId(),
                lease.epoch().toString(), lease.instanceId());
        Term term = new Term(lease);
        boolean clean = false;
        try {
            notifyAcquired(lease);
            if (leading.decide(nanoTime.getAsLong()) != Leadership.LEADING) {
                LOG.log(Level.WARNING, "Leadership of agent {0} (epoch {1}) expired before the agent could start",
                        lease.agentId(), lease.epoch().toString());
                term.end(EndKind.FENCED);
                clean = true;
                return Optional.empty();
            }
            AGENT_LOG.log(Level.INFO, "🎖️  I am the LEADER - starting agent... (epoch {0})", lease.epoch().toString());
            term.start(links.get());

            long nextRenewal = leading.nextRenewalAtNanos(acquireSentAt);
            while (true) {
                if (stopRequested) {
                    LOG.log(Level.INFO, "Stopping: handing over leadership of agent {0} (epoch {1})",
                            lease.agentId(), lease.epoch().toString());
                    term.end(EndKind.GRACEFUL);
                    clean = true;
                    return Optional.of(StopReason.STOPPED);
                }
                if (term.linkEnded()) {
                    StopReason reason = term.linkResult();
                    if (reason == StopReason.REJECTED_BY_CONTROL_PLANE || reason == StopReason.SHUTDOWN_REQUESTED) {
                        LOG.log(Level.INFO, "The control plane ended agent {0} ({1}); releasing leadership (epoch {2})",
                                lease.agentId(), reason.name(), lease.epoch().toString());
                        term.end(EndKind.GRACEFUL);
                        clean = true;
                        return Optional.of(reason);
                    }
                    LOG.log(Level.ERROR, "The control-plane link of epoch {0} ended unexpectedly ({1}); stepping down",
                            lease.epoch().toString(), term.linkProblem());
                    term.end(EndKind.GRACEFUL);
                    clean = true;
                    return Optional.empty();
                }
                long now = nanoTime.getAsLong();
                if (leading.decide(now) == Leadership.MUST_STEP_DOWN) {
                    LOG.log(Level.ERROR, "🛑 No renewal of the leader lock confirmed for {0} ms (renew deadline {1} ms):"
                                    + " fencing myself, stopping the agent (epoch {2})",
                            String.valueOf(TimeUnit.NANOSECONDS.toMillis(now - leading.confirmedAtNanos())),
                            String.valueOf(timing.renewDeadline().toMillis()), lease.epoch().toString());
                    term.end(EndKind.FENCED);
                    clean = true;
                    return Optional.empty();
                }
                if (now - nextRenewal >= 0) {
                    long sentAt = nanoTime.getAsLong();
                    Call<Boolean> renewal = call(() -> lock.renew(lease), leading.stepDownAtNanos() - sentAt);
                    nextRenewal = leading.nextRenewalAtNanos(sentAt);
                    if (renewal.outcome == Outcome.DONE && renewal.value) {
                        leading = leading.renewed(sentAt);
                        state = leading;
                        continue;
                    }
                    if (renewal.outcome == Outcome.DONE) {
                        LOG.log(Level.ERROR, "🛑 Lost the leader lock of agent {0} (epoch {1}); now held by {2}:"
                                        + " fencing myself, stopping the agent", lease.agentId(),
                                lease.epoch().toString(), describeHolder());
                        term.end(EndKind.LOST);
                        clean = true;
                        return Optional.empty();
                    }
                    if (renewal.outcome != Outcome.STOPPING) {
                        LOG.log(Level.WARNING, "Could not renew the leader lock (epoch {0}): {1}; {2} ms left before"
                                        + " stepping down", lease.epoch().toString(), renewal.problem(),
                                String.valueOf(Math.max(0, TimeUnit.NANOSECONDS.toMillis(
                                        leading.stepDownAtNanos() - nanoTime.getAsLong()))));
                    }
                    continue;
                }
                long wait = Math.min(nextRenewal - now, leading.stepDownAtNanos() - now);
                pause(Math.min(wait, timing.renewInterval().toNanos()));
            }
        } finally {
            if (!clean) { // interrupted or a bug: never keep serving without the loop that renews
                term.end(EndKind.FENCED);
            }
            state = LeadershipState.standby(timing);
            currentLease = null;
        }
    }

    private String describeHolder() {
        try {
            return lock.currentHolder().orElse("nobody");
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private void notifyAcquired(Lease lease) {
        for (LeadershipListener listener : listeners) {
            try {
                listener.onLeadershipAcquired(lease);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "A leadership listener failed on acquisition (epoch " + lease.epoch() + ")", e);
            }
        }
    }

    private void notifyLost(Lease lease) {
        for (LeadershipListener listener : listeners) {
            try {
                listener.onLeadershipLost(lease);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "A leadership listener failed on loss (epoch " + lease.epoch() + ")", e);
            }
        }
    }

    private void releaseQuietly(Lease lease) {
        try {
            lock.release(lease);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not release the leader lock (epoch {0}): {1}; it expires by itself",
                    lease.epoch().toString(), e.getMessage());
        }
    }

    private enum EndKind {
        /** Stepping down on purpose: the lease is still ours, release it at once after the link stopped. */
        GRACEFUL,
        /** No confirmed renewal: maybe still ours at the backend, release best-effort without waiting. */
        FENCED,
        /** The lock says it is no longer ours: nothing to release. */
        LOST
    }

    /** One term of leadership: its link and the thread that serves it. */
    private final class Term {
        final Lease lease;
        ServeControlPlane link;
        Thread thread;
        volatile boolean ended;
        volatile StopReason result;
        volatile Throwable failure;

        Term(Lease lease) {
            this.lease = lease;
        }

        void start(ServeControlPlane newLink) {
            this.link = newLink;
            this.thread = Thread.ofPlatform().name("agent-term-" + lease.epoch()).start(() -> {
                try {
                    result = newLink.serve();
                } catch (InterruptedException e) {
                    failure = e;
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    failure = e;
                    LOG.log(Level.ERROR, "The control-plane link of epoch " + lease.epoch() + " failed", e);
                } finally {
                    ended = true;
                    wake();
                }
            });
        }

        boolean linkEnded() {
            return ended;
        }

        StopReason linkResult() {
            return failure == null ? result : null;
        }

        String linkProblem() {
            return failure != null ? String.valueOf(failure) : "returned " + result;
        }

        /** Stops executing commands, stops the link and waits for it, then releases as {@code kind} says. */
        void end(EndKind kind) {
            notifyLost(lease);
            if (link != null) {
                try {
                    link.stop();
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "Stopping the control-plane link failed (epoch " + lease.epoch() + ")", e);
                }
            }
            // Graceful: the lease is confirmed until our renew deadline, wait for the link until then. Fenced: the lease
            // may end elsewhere after the fencing margin; waiting longer would not help.
            long budget = kind == EndKind.GRACEFUL
                    ? Math.max(leadingState().stepDownAtNanos() - nanoTime.getAsLong(), TimeUnit.MILLISECONDS.toNanos(100))
                    : timing.fencingMargin().toNanos();
            if (thread != null) {
                boolean interrupted = false;
                try {
                    if (!thread.join(Duration.ofNanos(budget))) {
                        LOG.log(Level.ERROR, "The control-plane link of epoch {0} did not stop within {1} ms",
                                lease.epoch().toString(), String.valueOf(TimeUnit.NANOSECONDS.toMillis(budget)));
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            switch (kind) {
                case GRACEFUL -> {
                    releaseQuietly(lease);
                    LOG.log(Level.INFO, "Released leadership of agent {0} (epoch {1})", lease.agentId(),
                            lease.epoch().toString());
                }
                case FENCED -> {
                    try {
                        calls.execute(() -> releaseQuietly(lease));
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        releaseQuietly(lease);
                    }
                    LOG.log(Level.WARNING, "Fenced: no longer acting as leader of agent {0} (epoch {1}); standing by",
                            lease.agentId(), lease.epoch().toString());
                }
                case LOST -> LOG.log(Level.WARNING, "Fenced: no longer acting as leader of agent {0} (epoch {1});"
                        + " standing by", lease.agentId(), lease.epoch().toString());
            }
            state = LeadershipState.standby(timing);
            currentLease = null;
        }

        private LeadershipState.Leading leadingState() {
            LeadershipState now = state;
            return now instanceof LeadershipState.Leading l ? l
                    : LeadershipState.standby(timing).acquired(lease.epoch(), nanoTime.getAsLong());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Waiting and calling the lock without ever blocking past a deadline

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Waits up to {@code nanos} (real time), returning early on stop or any other wake-up. */
    private void pause(long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return;
        }
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos));
        synchronized (signal) {
            if (!stopRequested) {
                signal.wait(millis);
            }
        }
    }

    private enum Outcome { DONE, FAILED, ABANDONED, STOPPING }

    private record Call<T>(Outcome outcome, T value, Throwable failure, CompletableFuture<T> future) {
        String problem() {
            return switch (outcome) {
                case DONE -> "ok";
                case FAILED -> failure instanceof LeaderLockUnavailableException ? failure.getMessage()
                        : String.valueOf(failure);
                case ABANDONED -> "the leader lock did not answer in time";
                case STOPPING -> "stopping";
            };
        }
    }

    /**
     * Runs one lock call on its own thread and waits at most {@code timeoutNanos} (on the injected clock, and at
     * most that long in real time), or until {@link #stop()}.
     */
    private <T> Call<T> call(Supplier<T> action, long timeoutNanos) throws InterruptedException {
        CompletableFuture<T> future;
        try {
            future = CompletableFuture.supplyAsync(action, calls);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return new Call<>(Outcome.STOPPING, null, e, new CompletableFuture<>());
        }
        future.whenComplete((value, failure) -> wake());
        long start = nanoTime.getAsLong();
        long realStart = System.nanoTime();
        synchronized (signal) {
            while (!future.isDone()) {
                long elapsed = Math.max(nanoTime.getAsLong() - start, System.nanoTime() - realStart);
                long left = timeoutNanos - elapsed;
                if (left <= 0) {
                    return new Call<>(Outcome.ABANDONED, null, null, future);
                }
                if (stopRequested) {
                    return new Call<>(Outcome.STOPPING, null, null, future);
                }
                signal.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), timing.renewInterval().toMillis())));
            }
        }
        try {
            return new Call<>(Outcome.DONE, future.get(), null, future);
        } catch (ExecutionException e) {
            return new Call<>(Outcome.FAILED, null, e.getCause(), future);
        }
    }
}
