package io.streamspace.agent.bootstrap.config;

import io.streamspace.agent.domain.controlplane.AgentCapacity;
import io.streamspace.agent.domain.election.LeaseTiming;
import io.streamspace.agent.domain.identity.AgentId;
import io.streamspace.agent.domain.identity.ApiKey;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** The session agent's validated configuration. {@link #toString()} hides every secret. */
public record AgentConfiguration(
        AgentId agentId,
        URI controlPlaneUrl,
        ApiKey apiKey,
        String platform,
        String region,
        String dockerHost,
        String network,
        String volumeDriver,
        int maxCpu,
        int maxMemoryGb,
        int maxSessions,
        Duration heartbeatInterval,
        String hostAddress,
        String homeMountPath,
        String hibernateMode,
        int maxParallelStarts,
        int pidsLimit,
        Path outboxDir,
        Duration sessionCheckInterval,
        Duration orphanGrace,
        boolean enableHa,
        String leaderElectionBackend,
        String redisUrl,
        String instanceId,
        LeaseTiming leaseTiming,
        Path lockFilePath,
        String swarmService,
        String logLevel,
        String logFormat,
        Integer statusPort,
        boolean composeAgentEnabled,
        ControlPlaneTag controlPlane,
        URI composeAgentUrl,
        String composeAgentToken,
        Path composeAgentTokenFile,
        String sidecarContainer,
        VaultConfiguration vault,
        StatusPanelSettings status) {

    /** Whether the status API is served (it is unless {@code --status-port off}). */
    public boolean statusApiEnabled() {
        return statusPort != null;
    }

    public AgentCapacity capacity() {
        return AgentCapacity.of(maxSessions, maxCpu, maxMemoryGb);
    }

    /** The Redis URL without its password, for logs. */
    public String redisUrlForLogs() {
        if (redisUrl == null) {
            return null;
        }
        return redisUrl.replaceAll("(?<=://)([^:@/]*):[^@/]*@", "$1:****@");
    }

    /** The same configuration with the API key supplied later (from Vault at start-up). */
    public AgentConfiguration withApiKey(ApiKey key) {
        return new AgentConfiguration(agentId, controlPlaneUrl, key, platform, region, dockerHost, network,
                volumeDriver, maxCpu, maxMemoryGb, maxSessions, heartbeatInterval, hostAddress, homeMountPath,
                hibernateMode, maxParallelStarts, pidsLimit, outboxDir, sessionCheckInterval, orphanGrace, enableHa,
                leaderElectionBackend, redisUrl, instanceId, leaseTiming, lockFilePath, swarmService, logLevel, logFormat,
                statusPort, composeAgentEnabled, controlPlane, composeAgentUrl, composeAgentToken,
                composeAgentTokenFile, sidecarContainer, vault, status);
    }

    @Override
    public String toString() {
        return "AgentConfiguration[agentId=" + agentId + ", controlPlaneUrl=" + controlPlaneUrl
                + ", apiKey=****, platform=" + platform + ", region=" + region + ", dockerHost=" + dockerHost
                + ", network=" + network + ", volumeDriver=" + volumeDriver + ", maxCpu=" + maxCpu
                + ", maxMemoryGb=" + maxMemoryGb + ", maxSessions=" + maxSessions + ", heartbeatInterval="
                + heartbeatInterval + ", hostAddress=" + hostAddress + ", homeMountPath=" + homeMountPath
                + ", hibernateMode=" + hibernateMode + ", maxParallelStarts=" + maxParallelStarts + ", pidsLimit="
                + pidsLimit + ", outboxDir=" + outboxDir + ", sessionCheckInterval="
                + sessionCheckInterval + ", orphanGrace=" + orphanGrace + ", enableHa=" + enableHa + ", leaderElectionBackend=" + leaderElectionBackend
                + ", redisUrl=" + redisUrlForLogs() + ", instanceId=" + instanceId + ", leaseTiming=" + leaseTiming + ", lockFilePath=" + lockFilePath
                + ", swarmService=" + (swarmService == null ? "(own service)" : swarmService) + ", logLevel=" + logLevel
                + ", logFormat=" + logFormat + ", statusPort=" + (statusPort == null ? "off" : statusPort)
                + ", composeAgentEnabled=" + composeAgentEnabled + ", controlPlane=" + controlPlane.wireName()
                + ", composeAgentUrl=" + composeAgentUrl + ", composeAgentToken="
                + (composeAgentToken == null ? "none" : "****") + ", composeAgentTokenFile=" + composeAgentTokenFile
                + ", sidecarContainer=" + sidecarContainer + ", vault=" + vault + ", status=" + status + "]";
    }
}
