package io.streamspace.agent.application.service.election;

import io.streamspace.agent.application.port.out.LeaderLock;

/**
 * Told when this instance's leadership starts and ends; called on the election thread, in registration order.
 * Exceptions are logged and do not stop the election.
 */
public interface LeadershipListener {

    /**
     * A term begins, before its control-plane link starts: e.g. put {@code lease.epoch()} into every outgoing
     * message ({@code agentEpoch}), allow commands to run, start watching the runtime.
     */
    default void onLeadershipAcquired(LeaderLock.Lease lease) {
    }

    /**
     * The term ends (self-fenced, lost, stepped down or stopping), before its link is stopped: stop executing
     * commands at once, stop touching the runtime, clear the epoch.
     */
    default void onLeadershipLost(LeaderLock.Lease lease) {
    }
}
