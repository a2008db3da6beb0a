package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.election.FencingEpoch;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * An in-memory {@link LeaderLock} that behaves like the Redis one (lease expiry on a controllable monotonic clock,
 * holder and epoch compared on renew and release), with fault injection for the election tests. Several
 * {@link #node()}s share one {@link Backend}, like processes sharing one Redis.
 */
public final class LeaderLockInMemory implements LeaderLock {

    /** What Redis would hold: the holder, its expiry, and the epoch counter. */
    public static final class Backend {
        private final String agentId;
        private final Duration lease;
        private final LongSupplier nanoTime;
        private String holder;
        private long expiresAt;
        private long epoch;
        private volatile String unavailable;
        private volatile CountDownLatch hangRenewals;
        final AtomicInteger acquireAttempts = new AtomicInteger();
        final AtomicInteger renewals = new AtomicInteger();

        public Backend(String agentId, Duration lease, LongSupplier nanoTime) {
            this.agentId = agentId;
            this.lease = lease;
            this.nanoTime = nanoTime;
        }

        /** A backend on a manual clock, for tests that move time themselves. */
        public static Backend manual(String agentId, Duration lease, AtomicLong clock) {
            return new Backend(agentId, lease, clock::get);
        }

        /** Every call fails with {@link LeaderLockUnavailableException}(message) until {@code null} is set. */
        public void unavailable(String message) {
            this.unavailable = message;
        }

        /** Renewals block until the latch is released (or forever); {@code null} lets them through again. */
        public void hangRenewals(CountDownLatch until) {
            this.hangRenewals = until;
        }

        public int acquireAttempts() {
            return acquireAttempts.get();
        }

        public int renewals() {
            return renewals.get();
        }

        public synchronized long epoch() {
            return epoch;
        }

        /** Ends the current lease as if its time had passed. */
        public synchronized void expire() {
            holder = null;
        }

        private void check() {
            String message = unavailable;
            if (message != null) {
                throw new LeaderLockUnavailableException(message);
            }
        }

        private synchronized boolean live() {
            if (holder != null && nanoTime.getAsLong() - expiresAt >= 0) {
                holder = null;
            }
            return holder != null;
        }

        synchronized Optional<Lease> tryAcquire(String instanceId) {
            acquireAttempts.incrementAndGet();
            check();
            if (live()) {
                return Optional.empty();
            }
            holder = instanceId;
            expiresAt = nanoTime.getAsLong() + lease.toNanos();
            epoch++;
            return Optional.of(new Lease(agentId, instanceId, FencingEpoch.of(epoch)));
        }

        boolean renew(Lease lease) {
            CountDownLatch hang = hangRenewals;
            if (hang != null) {
                try {
                    hang.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LeaderLockUnavailableException("interrupted");
                }
            }
            synchronized (this) {
                renewals.incrementAndGet();
                check();
                if (!ours(lease)) {
                    return false;
                }
                expiresAt = nanoTime.getAsLong() + this.lease.toNanos();
                return true;
            }
        }

        synchronized void release(Lease lease) {
            check();
            if (ours(lease)) {
                holder = null;
            }
        }

        synchronized Optional<String> currentHolder() {
            check();
            return live() ? Optional.of(holder) : Optional.empty();
        }

        private boolean ours(Lease lease) {
            return live() && holder.equals(lease.instanceId()) && epoch == lease.epoch().value()
                    && agentId.equals(lease.agentId());
        }
    }

    private final Backend backend;

    public LeaderLockInMemory(Backend backend) {
        this.backend = backend;
    }

    /** Another node on the same backend. */
    public LeaderLockInMemory node() {
        return new LeaderLockInMemory(backend);
    }

    public Backend backend() {
        return backend;
    }

    @Override
    public Optional<Lease> tryAcquire(String instanceId) {
        return backend.tryAcquire(instanceId);
    }

    @Override
    public boolean renew(Lease lease) {
        return backend.renew(lease);
    }

    @Override
    public void release(Lease lease) {
        backend.release(lease);
    }

    @Override
    public Optional<String> currentHolder() {
        return backend.currentHolder();
    }
}
