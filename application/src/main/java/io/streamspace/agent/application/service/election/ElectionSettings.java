package io.streamspace.agent.application.service.election;

import io.streamspace.agent.domain.election.LeaseTiming;
import java.time.Duration;

/**
 * Who campaigns for which agent, and how.
 *
 * @param agentId            the agent id shared by all replicas
 * @param instanceId         this replica's name in the lock (the host name by default)
 * @param timing             lease, renew deadline and retry period
 * @param standbyLogInterval how often a standby repeats that it is standing by while nothing changes
 */
public record ElectionSettings(String agentId, String instanceId, LeaseTiming timing, Duration standbyLogInterval) {

    public static final Duration DEFAULT_STANDBY_LOG_INTERVAL = Duration.ofMinutes(1);

    public ElectionSettings {
        if (agentId == null || agentId.isBlank()) {
            throw new IllegalArgumentException("leader election needs the agent id");
        }
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("leader election needs an instance id (defaults to the host name)");
        }
        if (timing == null) {
            throw new IllegalArgumentException("leader election needs its lease timing");
        }
        if (standbyLogInterval == null || standbyLogInterval.isNegative()) {
            throw new IllegalArgumentException("the standby log interval must not be negative");
        }
    }

    public ElectionSettings(String agentId, String instanceId, LeaseTiming timing) {
        this(agentId, instanceId, timing, DEFAULT_STANDBY_LOG_INTERVAL);
    }
}
