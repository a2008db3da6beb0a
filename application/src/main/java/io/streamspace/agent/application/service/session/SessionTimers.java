package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.application.service.SessionCommandQueue;
import io.streamspace.agent.domain.session.GoDuration;
import io.streamspace.agent.domain.session.SessionId;
import io.streamspace.agent.domain.session.SessionState;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Idle and lifetime limits from {@code start_session}: a running session whose VNC tunnel carried no traffic for
 * {@code idleTimeout} is hibernated; a session older than {@code maxSessionDuration} (hibernated or not) is
 * stopped. Both go through the session's command queue, so they are ordered with the control plane's commands,
 * and both report {@code status} like the commands do. The clocks live in {@link SessionRegistry}; the start
 * time survives agent restarts in the container's labels (idle time restarts from the reconnect).
 */
public final class SessionTimers implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("DockerAgent");

    private final Clock clock;
    private final SessionRegistry registry;
    private final SessionCommandQueue queue;
    private final HibernateSessionHandler hibernate;
    private final StopSessionHandler stop;
    private final ControlPlaneMessages messages;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private volatile ScheduledFuture<?> ticker;

    public SessionTimers(Clock clock, SessionRegistry registry, SessionCommandQueue queue,
                         HibernateSessionHandler hibernate, StopSessionHandler stop, ControlPlaneMessages messages) {
        this.clock = clock;
        this.registry = registry;
        this.queue = queue;
        this.hibernate = hibernate;
        this.stop = stop;
        this.messages = messages;
    }

    /** Checks every {@code interval} on {@code scheduler} until closed. */
    public void start(ScheduledExecutorService scheduler, Duration interval) {
        ticker = scheduler.scheduleWithFixedDelay(() -> {
            try {
                checkNow();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Session timer check failed", e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** The VNC tunnel carried bytes for this session: it is not idle. */
    public void recordActivity(String sessionId) {
        registry.touch(sessionId, clock.instant());
    }

    /** Queues a hibernate for every idle session and a stop for every expired one. */
    public void checkNow() {
        Instant now = clock.instant();
        for (SessionRegistry.Snapshot s : registry.all()) {
            if (s.startedAt() == null || s.operation() != null || queued.contains(s.sessionId())) {
                continue;
            }
            if (expired(s, now)) {
                enqueue(s.sessionId(), () -> stopIfExpired(s.sessionId()));
            } else if (idle(s, now)) {
                enqueue(s.sessionId(), () -> hibernateIfIdle(s.sessionId()));
            }
        }
    }

    private void enqueue(String sessionId, Runnable action) {
        queued.add(sessionId);
        queue.submit(sessionId, false, () -> {
            try {
                action.run();
            } finally {
                queued.remove(sessionId);
            }
        });
    }

    private static boolean expired(SessionRegistry.Snapshot s, Instant now) {
        return s.maxDuration() != null && s.expected() != SessionState.TERMINATED
                && !now.isBefore(s.startedAt().plus(s.maxDuration()));
    }

    private static boolean idle(SessionRegistry.Snapshot s, Instant now) {
        return s.idleTimeout() != null && s.expected() == SessionState.RUNNING && s.lastActivity() != null
                && !now.isBefore(s.lastActivity().plus(s.idleTimeout()));
    }

    // Re-checked inside the session's queue: a command may have changed the session meanwhile.
    private void stopIfExpired(String sessionId) {
        SessionRegistry.Snapshot s = registry.get(sessionId).orElse(null);
        if (s == null || s.startedAt() == null || !expired(s, clock.instant())) {
            return;
        }
        String why = "maxSessionDuration " + GoDuration.format(s.maxDuration()) + " reached";
        LOG.log(Level.INFO, "Stopping session {0}: {1}", sessionId, why);
        try {
            stop.stop(SessionId.of(sessionId), false, why, messages);
        } catch (CommandFailedException e) {
            LOG.log(Level.WARNING, "Could not stop expired session {0}: {1}", sessionId, e.getMessage());
        }
    }

    private void hibernateIfIdle(String sessionId) {
        SessionRegistry.Snapshot s = registry.get(sessionId).orElse(null);
        if (s == null || !idle(s, clock.instant())) {
            return;
        }
        String why = "idle for " + GoDuration.format(s.idleTimeout());
        LOG.log(Level.INFO, "Hibernating session {0}: {1}", sessionId, why);
        try {
            hibernate.hibernate(SessionId.of(sessionId), why, messages);
        } catch (CommandFailedException e) {
            LOG.log(Level.WARNING, "Could not hibernate idle session {0}: {1}", sessionId, e.getMessage());
        }
    }

    /**
     * Rebuilds a session's clocks from its container labels (after an agent restart): lifetime from the recorded
     * start, idle time from {@code now}.
     */
    static void restoreLimits(SessionRegistry registry, String sessionId, Map<String, String> labels, Instant now) {
        try {
            Duration idle = GoDuration.parseLimit("idleTimeout", labels.get(SessionLabels.IDLE_TIMEOUT)).orElse(null);
            Duration max = GoDuration.parseLimit("maxSessionDuration", labels.get(SessionLabels.MAX_DURATION))
                    .orElse(null);
            String started = labels.get(SessionLabels.STARTED_AT);
            registry.limits(sessionId, idle, max, started == null ? now : Instant.parse(started), now);
        } catch (IllegalArgumentException | DateTimeException e) {
            LOG.log(Level.WARNING, "Session {0} has unusable limit labels ({1}); no idle/lifetime limits",
                    sessionId, e.getMessage());
        }
    }
}
