package io.streamspace.agent.testkit.controlplane;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** Sliding-window limiter: at most {@code limit} accepted requests per client IP within any {@code window}. */
final class RateLimiter {

    private final int limit;
    private final long windowNanos;
    private final Map<String, Deque<Long>> hits = new HashMap<>();

    RateLimiter(int limit, long windowNanos) {
        this.limit = limit;
        this.windowNanos = windowNanos;
    }

    /** Records a request of {@code clientIp}; {@code false} (and nothing recorded) if the budget is used up. */
    synchronized boolean tryAcquire(String clientIp, long nowNanos) {
        Deque<Long> q = hits.computeIfAbsent(clientIp, k -> new ArrayDeque<>());
        while (!q.isEmpty() && nowNanos - q.peekFirst() >= windowNanos) {
            q.pollFirst();
        }
        if (q.size() >= limit) {
            return false;
        }
        q.addLast(nowNanos);
        return true;
    }

    synchronized void reset() {
        hits.clear();
    }
}
