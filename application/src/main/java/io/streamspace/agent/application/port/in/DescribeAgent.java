package io.streamspace.agent.application.port.in;

import io.streamspace.agent.domain.metrics.ActionCounts;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** Who this agent is and how it is doing, for the status panel's {@code /api/v1/agent}. */
public interface DescribeAgent {

    AgentView describe();

    /**
     * @param sidecar      the watchdog's view of the compose-agent container; null in legacy mode
     * @param commands     commands answered by control plane, then action (success/failure)
     * @param panelActions status-panel actions by action (success/failure)
     */
    record AgentView(Identity identity, Leadership leadership, Link link, Engine engine, Capacity capacity,
                     QueryAgentStatus.Sidecar sidecar, Vault vault, Map<String, Map<String, ActionCounts>> commands,
                     Map<String, ActionCounts> panelActions) {
        public AgentView {
            Objects.requireNonNull(identity);
            Objects.requireNonNull(leadership);
            Objects.requireNonNull(link);
            commands = Map.copyOf(commands);
            panelActions = Map.copyOf(panelActions);
        }
    }

    /**
     * @param role         {@code agent} or {@code compose_agent}
     * @param mode         {@code legacy} or {@code sidecar} (the agent role), {@code sidecar} (the compose-agent)
     * @param instanceId   this replica's identity in leader election; null without HA
     */
    record Identity(String agentId, String version, String platform, String region, String role,
                    String controlPlane, String mode, String instanceId, Instant startedAt) {}

    /**
     * @param state  {@code leader}, {@code standby}, {@code single} (no HA: leads alone) or {@code none} (a role
     *               without leadership)
     * @param epoch  the fencing epoch of the current term; null when not leading
     * @param holder the instance holding the lock now (this one when leading); null when unknown or nobody
     * @param since  when this state began; null when unknown
     * @param terms  terms this process has led
     */
    record Leadership(String state, Long epoch, String holder, Instant since, int terms) {}

    /**
     * @param state          {@code connected}, {@code connecting}, {@code disconnected}, {@code stopped}
     *                       (standby or stopping) or {@code none} (a role without a control-plane link)
     * @param since          when the state began
     * @param lastHeartbeat  when the latest heartbeat went out; null before the first
     * @param reconnects     connections after the first one
     * @param pendingResults results waiting in the outbox for the link
     */
    record Link(String state, Instant since, Instant lastHeartbeat, long reconnects, int pendingResults) {}

    /**
     * @param via   {@code docker} or {@code sidecar}
     * @param error why the engine could not be described; null when it could
     */
    record Engine(String version, String apiVersion, String operatingSystem, String via, String error) {}

    /** Reserved against the limits; CPU in millicores, memory in bytes. */
    record Capacity(int sessions, int maxSessions, long cpuMillis, long maxCpuMillis, long memoryBytes,
                    long maxMemoryBytes) {}

    /** @param enabled false: every other field is null */
    record Vault(boolean enabled, Long tokenAgeSeconds, Boolean lastRefreshOk, String lastFailure) {}
}
