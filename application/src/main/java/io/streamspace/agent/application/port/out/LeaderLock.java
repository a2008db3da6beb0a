package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.election.FencingEpoch;
import java.util.Optional;

/**
 * The lock that decides which of the replicas sharing one agent id is the leader. One lock object serves one agent
 * id; several instances (processes, hosts) contend for it, each naming itself by an instance id (the host name by
 * default).
 *
 * <p>Every acquisition increments the agent's {@link FencingEpoch} atomically with the acquisition, so a later term
 * always carries a larger epoch than every earlier one, whoever held them. A lock is held for the backend's lease
 * time after the acquisition or the last renewal, or until released, or until its holder dies (backends that can
 * see that, such as the file lock, free it at once).
 *
 * <p>Every method throws {@link LeaderLockUnavailableException} when the backend cannot be reached or refuses us;
 * the caller then knows nothing new about the lock (a leader must treat it as an unconfirmed renewal).
 */
public interface LeaderLock {

    /**
     * Takes the lock for {@code instanceId} if nobody holds it.
     *
     * @return the new lease with its fresh epoch, or empty when another instance (or an earlier lease of this
     *         instance) holds the lock
     */
    Optional<Lease> tryAcquire(String instanceId);

    /**
     * Extends the lease for another lease time, only if the lock is still held by {@code lease} (same instance and
     * no acquisition since).
     *
     * @return whether the lease was ours and is extended; false means it is lost for good
     */
    boolean renew(Lease lease);

    /** Frees the lock at once if {@code lease} still holds it; does nothing otherwise. */
    void release(Lease lease);

    /** The instance id holding the lock now, if anyone does. */
    Optional<String> currentHolder();

    /** One term of leadership: who holds the lock of which agent, and the term's fencing epoch. */
    record Lease(String agentId, String instanceId, FencingEpoch epoch) {
        public Lease {
            if (agentId == null || agentId.isBlank() || instanceId == null || instanceId.isBlank() || epoch == null) {
                throw new IllegalArgumentException("a lease needs an agent id, an instance id and an epoch");
            }
        }

        @Override
        public String toString() {
            return instanceId + " leads " + agentId + " (epoch " + epoch + ")";
        }
    }
}
