package io.streamspace.agent.adapter.http.sidecar;

import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Container-event watches for remote callers, as a long poll: {@code open} starts a runtime watch that buffers
 * events (numbered from 1), {@code poll} returns the events after a cursor, waiting up to a bound for the first one,
 * {@code close} ends it. A watch nobody polled for {@link #IDLE_LIMIT} is closed (its client died), and a buffer
 * keeps at most {@link #BUFFER} events (a poll after an overflow reports how many were missed).
 */
final class SidecarWatches {

    private static final Logger LOG = LoggerFactory.getLogger(SidecarWatches.class);
    static final Duration IDLE_LIMIT = Duration.ofMinutes(2);
    static final int BUFFER = 10_000;

    /** What one poll returns. */
    record Batch(List<ContainerEvent> events, long cursor, long missed) {}

    private final SessionRuntime runtime;
    private final Clock clock;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();

    SidecarWatches(SessionRuntime runtime, Clock clock) {
        this.runtime = runtime;
        this.clock = clock;
    }

    /** @param sinceNanos replay the engine's events from this time (a reconnecting client's last one; 0: now) */
    String open(Map<String, String> labels, long sinceNanos) {
        closeIdle();
        Watch watch = new Watch(clock.instant());
        watch.handle = runtime.watchContainers(labels, sinceNanos, watch::add);
        String id = UUID.randomUUID().toString();
        watches.put(id, watch);
        return id;
    }

    Batch poll(String id, long cursor, Duration wait) throws InterruptedException {
        closeIdle();
        Watch watch = watches.get(id);
        if (watch == null) {
            throw new IllegalArgumentException("unknown watch " + id + " (closed, idle for more than "
                    + IDLE_LIMIT.toSeconds() + " s, or the sidecar restarted): open a new one");
        }
        return watch.poll(cursor, wait, clock);
    }

    /** Whether a poll is waiting on this watch right now (for tests). */
    boolean waiting(String id) {
        Watch watch = watches.get(id);
        return watch != null && watch.waiting();
    }

    boolean close(String id) {
        Watch watch = id == null ? null : watches.remove(id);
        if (watch == null) {
            return false;
        }
        watch.close();
        return true;
    }

    void closeAll() {
        watches.keySet().forEach(this::close);
    }

    private void closeIdle() {
        Instant cutoff = clock.instant().minus(IDLE_LIMIT);
        watches.forEach((id, watch) -> {
            if (watch.idleSince(cutoff)) {
                LOG.info("Closing container-event watch {}: not polled for {} s", id, IDLE_LIMIT.toSeconds());
                close(id);
            }
        });
    }

    private static final class Watch {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();
        private final Deque<ContainerEvent> buffer = new ArrayDeque<>();
        /** Number of the newest event; the oldest in the buffer is {@code last - buffer.size() + 1}. */
        private long last;
        private Instant lastPolled;
        private boolean closed;
        private volatile AutoCloseable handle;

        Watch(Instant now) {
            lastPolled = now;
        }

        void add(ContainerEvent event) {
            lock.lock();
            try {
                buffer.addLast(event);
                last++;
                if (buffer.size() > BUFFER) {
                    buffer.pollFirst();
                }
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        Batch poll(long cursor, Duration wait, Clock clock) throws InterruptedException {
            lock.lock();
            try {
                lastPolled = clock.instant();
                long remaining = wait.toNanos();
                while (last <= cursor && remaining > 0 && !closed) {
                    remaining = arrived.awaitNanos(remaining);
                }
                long first = last - buffer.size() + 1;
                long from = Math.max(cursor + 1, first);
                long missed = Math.max(0, first - (cursor + 1));
                List<ContainerEvent> events = new ArrayList<>();
                long number = first;
                for (ContainerEvent event : buffer) {
                    if (number >= from) {
                        events.add(event);
                    }
                    number++;
                }
                lastPolled = clock.instant();
                return new Batch(events, Math.max(cursor, last), missed);
            } finally {
                lock.unlock();
            }
        }

        boolean waiting() {
            lock.lock();
            try {
                return lock.hasWaiters(arrived);
            } finally {
                lock.unlock();
            }
        }

        boolean idleSince(Instant cutoff) {
            lock.lock();
            try {
                return lastPolled.isBefore(cutoff);
            } finally {
                lock.unlock();
            }
        }

        void close() {
            lock.lock();
            try {
                closed = true; // wakes a poll in progress: it answers with what it has
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
            try {
                AutoCloseable h = handle;
                if (h != null) {
                    h.close();
                }
            } catch (Exception e) {
                LOG.warn("Closing a container-event watch failed: {}", e.toString());
            }
        }
    }
}
