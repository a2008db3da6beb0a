package io.streamspace.agent.application.service.metrics;

import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.out.HostMetrics;
import io.streamspace.agent.domain.metrics.CommandMetricsSnapshot;
import io.streamspace.agent.domain.metrics.HostSnapshot;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers the status API from the command metrics and the host. Vault is not wired into this build, so the token
 * fields of {@link Health} are null (never a made-up {@code true}).
 */
public final class AgentStatusService implements QueryAgentStatus {

    private final CommandMetricsRecorder metrics;
    private final HostMetrics host;
    private final Capabilities capabilities;

    public AgentStatusService(CommandMetricsRecorder metrics, HostMetrics host, Capabilities capabilities) {
        this.metrics = Objects.requireNonNull(metrics);
        this.host = Objects.requireNonNull(host);
        this.capabilities = Objects.requireNonNull(capabilities);
        if (capabilities.controlPlane() != metrics.plane()) {
            throw new IllegalArgumentException("capabilities name the " + capabilities.controlPlane().wireName()
                    + " plane but commands are counted under " + metrics.plane().wireName());
        }
    }

    @Override
    public Health health() {
        return new Health("ok", null, null, metrics.snapshot());
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public CommandMetricsSnapshot commandMetrics() {
        return metrics.snapshot();
    }

    @Override
    public Optional<HostSnapshot> host() {
        return host.read();
    }
}
