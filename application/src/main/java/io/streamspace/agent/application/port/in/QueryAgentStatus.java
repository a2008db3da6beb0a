package io.streamspace.agent.application.port.in;

import io.streamspace.agent.domain.metrics.CommandMetricsSnapshot;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import io.streamspace.agent.domain.metrics.HostSnapshot;
import java.time.Instant;
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
     * Which container engine serves the sessions, {@code docker} or {@code podman}, as detected behind the Docker
     * API; empty while unknown (a standby that has not led yet, an engine not reached yet).
     */
    default Optional<String> runtime() {
        return Optional.empty();
    }

    /** The sidecar watchdog's view of the compose-agent container; empty in legacy mode (no watchdog). */
    default Optional<Sidecar> sidecar() {
        return Optional.empty();
    }

    /**
     * @param status          {@code ok} while the process serves, {@code degraded} when the sidecar watchdog gave up
     * @param tokenAgeSeconds seconds since the Vault token was last refreshed; null while Vault is not in use
     * @param lastRefreshOk   whether the last Vault refresh succeeded; null while Vault is not in use
     * @param sidecar         the watchdog's view of the sidecar; null in legacy mode
     */
    record Health(String status, Long tokenAgeSeconds, Boolean lastRefreshOk, CommandMetricsSnapshot commandMetrics,
                  Sidecar sidecar) {
        public Health {
            Objects.requireNonNull(status);
            Objects.requireNonNull(commandMetrics);
        }

        /** Health without a sidecar (legacy mode). */
        public Health(String status, Long tokenAgeSeconds, Boolean lastRefreshOk,
                      CommandMetricsSnapshot commandMetrics) {
            this(status, tokenAgeSeconds, lastRefreshOk, commandMetrics, null);
        }
    }

    /**
     * The supervised compose-agent container as the status API shows it.
     *
     * @param container          the container's name
     * @param state              {@code healthy}, {@code unhealthy}, {@code glibc_mismatch}, {@code not_found} or
     *                           {@code starting} (also before the first check)
     * @param reason             why it is unhealthy / the glibc line / why the latest check or restart could not be
     *                           done; null when there is nothing to say
     * @param restartAttempts    restarts made since the last reset
     * @param maxRestartAttempts restarts allowed before the watchdog gives up
     * @param failed             the watchdog gave up and no longer restarts the container
     * @param lastRestart        when the watchdog last restarted the container; null if never
     */
    record Sidecar(String container, String state, String reason, int restartAttempts, int maxRestartAttempts,
                   boolean failed, Instant lastRestart) {
        public Sidecar {
            Objects.requireNonNull(container);
            Objects.requireNonNull(state);
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
