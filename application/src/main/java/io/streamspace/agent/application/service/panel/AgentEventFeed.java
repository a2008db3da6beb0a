package io.streamspace.agent.application.service.panel;

import io.streamspace.agent.application.port.in.FollowAgentEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-process event feed: a bounded history for clients that (re)connect, and one bounded queue per subscriber.
 * {@link #publish} never blocks on a subscriber: a full queue drops its oldest event and counts it. Memory is
 * bounded by {@code retained + subscribers × perSubscriber} events.
 */
public final class AgentEventFeed implements FollowAgentEvents {

    /** Events kept for clients that connect later. */
    public static final int DEFAULT_RETAINED = 200;
    /** Events queued for one subscriber before its oldest are dropped. */
    public static final int DEFAULT_PER_SUBSCRIBER = 500;

    private final Clock clock;
    private final int retained;
    private final int perSubscriber;
    private final ArrayDeque<AgentEvent> history = new ArrayDeque<>();
    private final Set<Queue> subscribers = new CopyOnWriteArraySet<>();
    private long sequence;

    public AgentEventFeed(Clock clock) {
        this(clock, DEFAULT_RETAINED, DEFAULT_PER_SUBSCRIBER);
    }

    public AgentEventFeed(Clock clock, int retained, int perSubscriber) {
        if (retained < 1 || perSubscriber < 1) {
            throw new IllegalArgumentException("buffers must hold at least one event");
        }
        this.clock = Objects.requireNonNull(clock);
        this.retained = retained;
        this.perSubscriber = perSubscriber;
    }

    /** Publishes one event to every subscriber and the history; returns it. */
    public AgentEvent publish(String type, String summary, Map<String, Object> details) {
        AgentEvent event;
        synchronized (history) {
            event = new AgentEvent(++sequence, clock.instant(), type, summary, details);
            history.addLast(event);
            while (history.size() > retained) {
                history.removeFirst();
            }
            // offered under the history lock, so every subscriber sees events in sequence order
            for (Queue q : subscribers) {
                q.offer(event);
            }
        }
        return event;
    }

    /** The sequence of the latest event; 0 before the first. */
    public long lastSequence() {
        synchronized (history) {
            return sequence;
        }
    }

    /** The retained events, oldest first. */
    public List<AgentEvent> recent() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Subscribers following the feed now. */
    public int subscriberCount() {
        return subscribers.size();
    }

    @Override
    public Subscription subscribe(long afterSequence) {
        Queue queue = new Queue();
        synchronized (history) {
            for (AgentEvent e : history) {
                if (e.sequence() > afterSequence) {
                    queue.offer(e);
                }
            }
            subscribers.add(queue);
        }
        return queue;
    }

    private final class Queue implements Subscription {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();
        private final ArrayDeque<AgentEvent> events = new ArrayDeque<>();
        private long dropped;
        private boolean closed;

        void offer(AgentEvent event) {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                if (events.size() >= perSubscriber) {
                    events.removeFirst();
                    dropped++;
                }
                events.addLast(event);
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public List<AgentEvent> await(Duration max) throws InterruptedException {
            long nanos = max.toNanos();
            lock.lock();
            try {
                while (events.isEmpty() && !closed && nanos > 0) {
                    nanos = arrived.awaitNanos(nanos);
                }
                List<AgentEvent> out = new ArrayList<>(events);
                events.clear();
                return out;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long dropped() {
            lock.lock();
            try {
                return dropped;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            subscribers.remove(this);
            lock.lock();
            try {
                closed = true;
                events.clear();
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

}
