package io.streamspace.agent.application.service.watchdog;

import io.streamspace.agent.application.port.in.SuperviseSidecar;
import io.streamspace.agent.application.port.out.ContainerSupervision;
import io.streamspace.agent.domain.watchdog.ContainerSnapshot;
import io.streamspace.agent.domain.watchdog.HealthClassifier;
import io.streamspace.agent.domain.watchdog.HealthState;
import io.streamspace.agent.domain.watchdog.RestartPolicy;
import io.streamspace.agent.domain.watchdog.WatchdogDecision;
import io.streamspace.agent.domain.watchdog.WatchdogState;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Supervises the compose-agent sidecar container through {@link ContainerSupervision}: each check inspects it (and
 * reads its last log lines when it is not running), classifies it ({@link HealthClassifier}), lets the domain's
 * {@link WatchdogState} decide, and acts: restart, give up, reset. Checks run on the injected scheduler, the next
 * one when the decision asks for it (every interval, sooner when a restart falls due); time comes from the
 * injected {@link Clock}. The checks make blocking engine calls, so give it a scheduler of its own.
 *
 * <p>A check that cannot reach the engine changes nothing (no restart is counted) and is retried at the next
 * interval; {@link Status#lastError()} says why.
 */
public final class SidecarWatchdog implements SuperviseSidecar, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("Watchdog");

    private final ContainerSupervision supervision;
    private final WatchdogSettings settings;
    private final RestartPolicy policy;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final List<WatchdogListener> listeners;

    /** Serialises checks (periodic and {@link #checkNow()}) and guards the fields below. */
    private final ReentrantLock lock = new ReentrantLock();
    private WatchdogState state = WatchdogState.INITIAL;
    private HealthState lastLoggedHealth;
    private Instant lastLoggedDue;
    private boolean running;
    private ScheduledFuture<?> nextTick;
    private volatile Status status;

    public SidecarWatchdog(ContainerSupervision supervision, WatchdogSettings settings, Clock clock,
                           ScheduledExecutorService scheduler, List<WatchdogListener> listeners) {
        this.supervision = Objects.requireNonNull(supervision, "supervision");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.policy = settings.policy();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.listeners = List.copyOf(listeners);
        this.status = new Status(settings.targetContainer(), null, 0, settings.maxRestartAttempts(), false,
                null, null, null, null);
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (running) {
                return;
            }
            running = true;
            LOG.log(Level.INFO, "Watchdog supervising container ''{0}'': every {1}, at most {2} restarts,"
                            + " delays {3}", settings.targetContainer(), ms(settings.checkInterval()),
                    String.valueOf(settings.maxRestartAttempts()), delays());
            schedule(Duration.ZERO);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stop() {
        lock.lock();
        try {
            if (!running) {
                return;
            }
            running = false;
            if (nextTick != null) {
                nextTick.cancel(false);
                nextTick = null;
            }
            LOG.log(Level.INFO, "Watchdog of container ''{0}'' stopped", settings.targetContainer());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public Status status() {
        return status;
    }

    @Override
    public Status checkNow() {
        lock.lock();
        try {
            check();
            return status;
        } finally {
            lock.unlock();
        }
    }

    private void tick() {
        lock.lock();
        try {
            if (!running) {
                return;
            }
            Instant recheckAt;
            try {
                recheckAt = check();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Watchdog check of container '" + settings.targetContainer() + "' failed", e);
                recheckAt = clock.instant().plus(settings.checkInterval());
            }
            if (running) {
                schedule(Duration.between(clock.instant(), recheckAt));
            }
        } finally {
            lock.unlock();
        }
    }

    private void schedule(Duration delay) {
        // Rounded up: a check that ran a fraction of a millisecond early would only find the restart not yet due.
        long millis = Math.max(0, Math.ceilDiv(delay.toNanos(), 1_000_000L));
        try {
            nextTick = scheduler.schedule(this::tick, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            running = false;
            LOG.log(Level.WARNING, "Watchdog of container ''{0}'' stops: its scheduler is shut down",
                    settings.targetContainer());
        }
    }

    /** One check; returns when the next is due. Call with the lock held. */
    private Instant check() {
        String target = settings.targetContainer();
        Instant now = clock.instant();
        HealthState health;
        try {
            Optional<ContainerSnapshot> snapshot = supervision.inspect(target);
            List<String> logs = HealthClassifier.needsLogs(snapshot)
                    ? supervision.lastLogLines(target, settings.logLines()) : List.of();
            health = HealthClassifier.classify(snapshot, logs);
        } catch (RuntimeException e) {
            String problem = message(e);
            LOG.log(Level.WARNING, "Watchdog cannot check container ''{0}'': {1}; retrying in {2}", target,
                    problem, ms(settings.checkInterval()));
            Status s = status;
            Status current = new Status(s.target(), s.health(), s.attempts(), s.maxAttempts(), s.failed(), now,
                    s.lastRestartAt(), s.nextRestartAt(), problem);
            notifyListeners(l -> l.checked(current));
            status = current;
            return now.plus(settings.checkInterval());
        }
        logTransition(health);
        WatchdogDecision decision = state.decide(health, now, policy);
        state = decision.next();
        String error = null;
        switch (decision) {
            case WatchdogDecision.RestartNow r -> error = restart(target, health, r);
            case WatchdogDecision.WaitUntil w -> {
                if (!w.restartAt().equals(lastLoggedDue)) {
                    lastLoggedDue = w.restartAt();
                    LOG.log(Level.WARNING, "Container ''{0}'' ({1}): restart {2}/{3} in {4}", target,
                            health.describe(), String.valueOf(w.attempt()),
                            String.valueOf(settings.maxRestartAttempts()), ms(Duration.between(now, w.restartAt())));
                }
            }
            case WatchdogDecision.GiveUp g -> LOG.log(Level.ERROR, "Container ''{0}'' still fails after {1} restarts"
                    + " ({2}): giving up, the sidecar is FAILED (no more restarts until it has been healthy for {3})",
                    target, String.valueOf(g.attempts()), health.describe(), ms(settings.checkInterval()));
            case WatchdogDecision.Reset r -> LOG.log(Level.INFO, "Container ''{0}'' healthy for {1}: restart"
                    + " counter reset (was {2}{3})", target, ms(settings.checkInterval()),
                    String.valueOf(r.clearedAttempts()), r.wasFailed() ? ", failed" : "");
            case WatchdogDecision.Stay s -> { }
            case WatchdogDecision.StayFailed f -> { }
        }
        // Published only after the listeners heard of it: whoever sees the new status (a poll of status()) can rely
        // on every listener having been told (a poller that saw "failed" before gaveUp() ran raced it).
        Status current = new Status(target, health, state.attempts(), settings.maxRestartAttempts(), state.failed(),
                now, state.lastRestartAt(), state.restartDueAt(), error);
        switch (decision) {
            case WatchdogDecision.RestartNow r ->
                    notifyListeners(l -> l.restarted(current, r.attempt(), Optional.ofNullable(current.lastError())));
            case WatchdogDecision.GiveUp g -> notifyListeners(l -> l.gaveUp(current));
            case WatchdogDecision.Reset r ->
                    notifyListeners(l -> l.reset(current, r.clearedAttempts(), r.wasFailed()));
            default -> { }
        }
        notifyListeners(l -> l.checked(current));
        status = current;
        return decision.recheckAt();
    }

    private String restart(String target, HealthState health, WatchdogDecision.RestartNow r) {
        lastLoggedDue = null;
        LOG.log(Level.WARNING, "Restarting container ''{0}'' (attempt {1}/{2}, after {3}): {4}", target,
                String.valueOf(r.attempt()), String.valueOf(settings.maxRestartAttempts()), ms(r.delay()),
                health.describe());
        try {
            supervision.restart(target);
            return null;
        } catch (RuntimeException e) {
            String problem = message(e);
            LOG.log(Level.ERROR, "Restart {0}/{1} of container ''{2}'' failed: {3}",
                    String.valueOf(r.attempt()), String.valueOf(settings.maxRestartAttempts()), target, problem);
            return "restart " + r.attempt() + " failed: " + problem;
        }
    }

    private void logTransition(HealthState health) {
        if (health.equals(lastLoggedHealth)) {
            return;
        }
        Level level = health instanceof HealthState.Healthy || health instanceof HealthState.Starting
                ? Level.INFO : Level.WARNING;
        LOG.log(level, "Container ''{0}'': {1}", settings.targetContainer(), health.describe());
        lastLoggedHealth = health;
    }

    private void notifyListeners(java.util.function.Consumer<WatchdogListener> call) {
        for (WatchdogListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A watchdog listener failed", e);
            }
        }
    }

    private String delays() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < settings.maxRestartAttempts() && i < 10; i++) {
            out.append(i == 0 ? "" : ", ").append(ms(policy.backoff().delay(i)));
        }
        return out.isEmpty() ? "none" : out.toString();
    }

    /** {@code 30 s}, {@code 450 ms}: whole seconds as seconds, anything finer in milliseconds. */
    private static String ms(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
