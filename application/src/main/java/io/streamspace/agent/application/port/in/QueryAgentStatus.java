package io.streamspace.agent.application.port.in;

import io.streamspace.agent.domain.metrics.CommandMetricsSnapshot;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import io.streamspace.agent.domain.metrics.HostSnapshot;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What the status API shows: health, capabilities, command execution metrics and the host's load. */
public interface QueryAgentStatus {

    Health health();

    Capabilities capabilities();

    CommandMetricsSnapshot commandMetrics();

    /** Load and memory of the host, or empty where the platform does not report them. */
    Optional<HostSnapshot> host();

    /**
     * @param status          {@code ok} while the process serves
     * @param tokenAgeSeconds seconds since the Vault token was last refreshed; null while Vault is not in use
     * @param lastRefreshOk   whether the last Vault refresh succeeded; null while Vault is not in use
     */
    record Health(String status, Long tokenAgeSeconds, Boolean lastRefreshOk, CommandMetricsSnapshot commandMetrics) {
        public Health {
            Objects.requireNonNull(status);
            Objects.requireNonNull(commandMetrics);
        }
    }

    /**
     * @param composeAgent true when Docker mutations go through the compose-agent sidecar, false in legacy mode
     * @param features     what this process actually offers
     */
    record Capabilities(boolean composeAgent, ControlPlaneTag controlPlane, String version, List<String> features) {
        public Capabilities {
            Objects.requireNonNull(controlPlane);
            Objects.requireNonNull(version);
            features = List.copyOf(features);
        }
    }
}
