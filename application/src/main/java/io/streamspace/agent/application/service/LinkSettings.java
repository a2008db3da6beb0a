package io.streamspace.agent.application.service;

import io.streamspace.agent.application.port.out.RegistrationRequest;
import io.streamspace.agent.domain.link.ReconnectBackoff;
import java.time.Duration;

/**
 * How the agent keeps its control-plane link.
 *
 * @param heartbeatInterval  how often an application-level heartbeat is sent (the control plane drops an agent
 *                           silent for more than 45 s)
 * @param backoff            reconnect delays
 * @param approvalRetry      how often to ask again while registration is pending approval (30 s)
 * @param stableConnection   a connection that lasted this long resets the backoff
 */
public record LinkSettings(RegistrationRequest registration, Duration heartbeatInterval, ReconnectBackoff backoff,
                           Duration approvalRetry, Duration stableConnection) {

    public LinkSettings {
        if (heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
            throw new IllegalArgumentException("heartbeat interval must be positive");
        }
    }
}
