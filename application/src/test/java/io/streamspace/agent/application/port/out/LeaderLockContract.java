package io.streamspace.agent.application.port.out;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.out.LeaderLock.Lease;
import io.streamspace.agent.domain.election.FencingEpoch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The {@link LeaderLock} port contract: one suite, run against the in-memory fake
 * ({@code LeaderLockInMemoryContractTest}), Redis ({@code RedisLeaderLockContractTest}) and the file lock
 * ({@code FileLeaderLockContractTest}).
 *
 * <p>A subclass gives fresh "nodes": lock objects for the same agent on the same backend, as separate processes
 * would have, starting from a backend where the lock is free.
 */
public abstract class LeaderLockContract {

    /** Another lock object for {@link #agentId()} on the same backend as all others of this test. */
    protected abstract LeaderLock newNode();

    /** The agent id the nodes lock. */
    protected abstract String agentId();

    /**
     * Lets the current lease run out without a renewal (the backend's lease time passes) and returns true; returns
     * false when the backend has no lease time (the file lock holds until released or until its holder dies).
     */
    protected abstract boolean expireCurrentLease() throws Exception;

    @Test
    void aFreeLockIsAcquiredWithAFirstEpochAndItsHolderIsReported() {
        LeaderLock a = newNode();
        assertThat(a.currentHolder()).isEmpty();

        Lease lease = a.tryAcquire("instance-a").orElseThrow();

        assertThat(lease.agentId()).isEqualTo(agentId());
        assertThat(lease.instanceId()).isEqualTo("instance-a");
        assertThat(lease.epoch().value()).isPositive();
        assertThat(a.currentHolder()).contains("instance-a");
        assertThat(newNode().currentHolder()).contains("instance-a");
    }

    @Test
    void onlyOneInstanceHoldsTheLockAtATime() {
        LeaderLock a = newNode();
        LeaderLock b = newNode();
        Lease lease = a.tryAcquire("instance-a").orElseThrow();

        assertThat(b.tryAcquire("instance-b")).isEmpty();
        assertThat(newNode().tryAcquire("instance-c")).isEmpty();
        assertThat(a.tryAcquire("instance-a")).as("not re-entrant: one term at a time").isEmpty();
        assertThat(b.currentHolder()).contains("instance-a");
        assertThat(a.renew(lease)).isTrue();
    }

    @Test
    void everyAcquisitionIncrementsTheEpochWhichNeverGoesBackwards() {
        List<LeaderLock> nodes = List.of(newNode(), newNode(), newNode());
        List<Long> epochs = new ArrayList<>();
        FencingEpoch last = null;
        for (int i = 0; i < 9; i++) {
            LeaderLock node = nodes.get(i % nodes.size());
            Lease lease = node.tryAcquire("instance-" + (i % nodes.size())).orElseThrow();
            if (last != null) {
                last.requireSuccessor(lease.epoch());
            }
            last = lease.epoch();
            epochs.add(lease.epoch().value());
            node.release(lease);
        }
        assertThat(epochs).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void releaseFreesTheLockAtOnceForAnotherInstance() {
        LeaderLock a = newNode();
        LeaderLock b = newNode();
        Lease first = a.tryAcquire("instance-a").orElseThrow();

        a.release(first);

        assertThat(a.currentHolder()).isEmpty();
        Lease second = b.tryAcquire("instance-b").orElseThrow();
        assertThat(second.epoch()).isGreaterThan(first.epoch());
        assertThat(a.currentHolder()).contains("instance-b");
    }

    @Test
    void onlyTheHolderRenews() {
        LeaderLock a = newNode();
        LeaderLock b = newNode();
        Lease lease = a.tryAcquire("instance-a").orElseThrow();

        assertThat(b.renew(new Lease(agentId(), "instance-b", lease.epoch()))).isFalse();
        assertThat(b.renew(new Lease(agentId(), "instance-b", lease.epoch().next()))).isFalse();
        assertThat(a.renew(lease)).isTrue();
        assertThat(a.renew(lease)).isTrue();
        assertThat(b.currentHolder()).contains("instance-a");
    }

    @Test
    void onlyTheHolderReleases() {
        LeaderLock a = newNode();
        LeaderLock b = newNode();
        Lease lease = a.tryAcquire("instance-a").orElseThrow();

        b.release(new Lease(agentId(), "instance-b", lease.epoch()));

        assertThat(b.currentHolder()).contains("instance-a");
        assertThat(b.tryAcquire("instance-b")).isEmpty();
        assertThat(a.renew(lease)).isTrue();
    }

    @Test
    void aStaleLeaseNeitherRenewsNorReleasesALaterTerm() {
        LeaderLock a = newNode();
        LeaderLock b = newNode();
        Lease old = a.tryAcquire("instance-a").orElseThrow();
        a.release(old);
        Lease current = b.tryAcquire("instance-b").orElseThrow();

        assertThat(a.renew(old)).isFalse();
        a.release(old);

        assertThat(a.currentHolder()).contains("instance-b");
        assertThat(b.renew(current)).isTrue();
    }

    @Test
    void aStaleLeaseOfTheSameInstanceDoesNotRenewItsLaterTerm() {
        LeaderLock a = newNode();
        Lease old = a.tryAcquire("instance-a").orElseThrow();
        a.release(old);
        Lease current = a.tryAcquire("instance-a").orElseThrow();

        assertThat(a.renew(old)).isFalse();
        a.release(old);

        assertThat(a.currentHolder()).contains("instance-a");
        assertThat(a.renew(current)).isTrue();
    }

    @Test
    void anExpiredLeaseLetsAnotherInstanceAcquireWithALaterEpoch() throws Exception {
        LeaderLock a = newNode();
        LeaderLock b = newNode();
        Lease first = a.tryAcquire("instance-a").orElseThrow();

        if (!expireCurrentLease()) {
            assertThat(b.tryAcquire("instance-b")).as("no lease time: held until released").isEmpty();
            return;
        }

        Optional<Lease> second = b.tryAcquire("instance-b");
        assertThat(second).isPresent();
        assertThat(second.get().epoch()).isGreaterThan(first.epoch());
        assertThat(a.renew(first)).as("the expired lease is lost for good").isFalse();
        assertThat(a.currentHolder()).contains("instance-b");
        assertThat(b.renew(second.get())).isTrue();
    }
}
