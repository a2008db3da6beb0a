package io.streamspace.agent.application.service.session;

import io.streamspace.agent.domain.capacity.Reservation;
import io.streamspace.agent.domain.session.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What this agent process knows about its sessions beyond what the runtime shows: which one has an operation
 * running, the state the agent last put it in (so a container the agent stopped on purpose is not reported as
 * crashed), capacity held by starts in flight, and the idle/lifetime clocks. Lost on restart by design: the
 * runtime's labels are the durable record, this is the cache the handlers, the event monitor, the reconciler and
 * the timers share. Thread-safe.
 */
public final class SessionRegistry {

    /** A copy of one session's record. */
    public record Snapshot(String sessionId, SessionState expected, String operation, Reservation reservation,
                           Duration idleTimeout, Duration maxDuration, Instant startedAt, Instant lastActivity) {}

    private static final class Record {
        SessionState expected;
        String operation;
        Reservation reservation;
        Duration idleTimeout;
        Duration maxDuration;
        Instant startedAt;
        Instant lastActivity;
        /** The exit code of the container's last {@code die} seen while {@link #operation} ran, if any. */
        Integer exitDuringOperation;
    }

    private final Map<String, Record> sessions = new HashMap<>();

    /** Marks an operation (start, stop, hibernate, wake) as running; events for the session are then expected. */
    public synchronized void begin(String sessionId, String operation) {
        Record r = record(sessionId);
        r.operation = operation;
        r.exitDuringOperation = null;
    }

    /**
     * Records the exit code of a {@code die} event that arrived while an operation runs on the session (the
     * operation reports the outcome; this lets it name the exit code when the engine no longer shows it, as Podman
     * does for a container it keeps restarting). Ignored when no operation runs.
     */
    public synchronized void exitedDuringOperation(String sessionId, int exitCode) {
        Record r = sessions.get(sessionId);
        if (r != null && r.operation != null) {
            r.exitDuringOperation = exitCode;
        }
    }

    /** The exit code {@link #exitedDuringOperation} recorded during the running operation. */
    public synchronized OptionalInt exitDuringOperation(String sessionId) {
        Record r = sessions.get(sessionId);
        return r == null || r.exitDuringOperation == null ? OptionalInt.empty()
                : OptionalInt.of(r.exitDuringOperation);
    }

    public synchronized void end(String sessionId) {
        Record r = sessions.get(sessionId);
        if (r != null) {
            r.operation = null;
            r.exitDuringOperation = null;
            dropIfEmpty(sessionId, r);
        }
    }

    public synchronized boolean busy(String sessionId) {
        Record r = sessions.get(sessionId);
        return r != null && r.operation != null;
    }

    /** Records the state the agent put the session in (or is putting it in). */
    public synchronized void expect(String sessionId, SessionState state) {
        record(sessionId).expected = state;
    }

    public synchronized Optional<SessionState> expected(String sessionId) {
        Record r = sessions.get(sessionId);
        return Optional.ofNullable(r == null ? null : r.expected);
    }

    /** Capacity held for a session the runtime may not show yet (a start in flight). */
    public synchronized void hold(Reservation reservation) {
        record(reservation.sessionId()).reservation = reservation;
    }

    public synchronized void release(String sessionId) {
        Record r = sessions.get(sessionId);
        if (r != null) {
            r.reservation = null;
        }
    }

    public synchronized Map<String, Reservation> held() {
        Map<String, Reservation> held = new HashMap<>();
        sessions.forEach((id, r) -> {
            if (r.reservation != null) {
                held.put(id, r.reservation);
            }
        });
        return held;
    }

    /** Starts the idle and lifetime clocks of a running session (either may be null: no limit). */
    public synchronized void limits(String sessionId, Duration idleTimeout, Duration maxDuration, Instant startedAt,
                                    Instant now) {
        Record r = record(sessionId);
        r.idleTimeout = idleTimeout;
        r.maxDuration = maxDuration;
        r.startedAt = startedAt;
        r.lastActivity = now;
    }

    /** Whether the idle/lifetime clocks of this session are known. */
    public synchronized boolean hasLimits(String sessionId) {
        Record r = sessions.get(sessionId);
        return r != null && r.startedAt != null;
    }

    /** VNC traffic (or a wake): the session is not idle at {@code now}. */
    public synchronized void touch(String sessionId, Instant now) {
        Record r = sessions.get(sessionId);
        if (r != null && r.lastActivity != null && now.isAfter(r.lastActivity)) {
            r.lastActivity = now;
        }
    }

    /** The session is gone: only the tombstone {@code TERMINATED} stays (until {@link #forget}). */
    public synchronized void terminated(String sessionId) {
        Record r = record(sessionId);
        r.expected = SessionState.TERMINATED;
        r.reservation = null;
        r.idleTimeout = null;
        r.maxDuration = null;
        r.startedAt = null;
        r.lastActivity = null;
    }

    public synchronized void forget(String sessionId) {
        sessions.remove(sessionId);
    }

    public synchronized Optional<Snapshot> get(String sessionId) {
        Record r = sessions.get(sessionId);
        return Optional.ofNullable(r == null ? null : snapshot(sessionId, r));
    }

    public synchronized List<Snapshot> all() {
        List<Snapshot> all = new ArrayList<>();
        sessions.forEach((id, r) -> all.add(snapshot(id, r)));
        return all;
    }

    private static Snapshot snapshot(String id, Record r) {
        return new Snapshot(id, r.expected, r.operation, r.reservation, r.idleTimeout, r.maxDuration, r.startedAt,
                r.lastActivity);
    }

    private Record record(String sessionId) {
        return sessions.computeIfAbsent(sessionId, k -> new Record());
    }

    private void dropIfEmpty(String sessionId, Record r) {
        if (r.operation == null && r.expected == null && r.reservation == null && r.startedAt == null) {
            sessions.remove(sessionId);
        }
    }
}
