package io.streamspace.agent.application.service.metrics;

import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.in.SuperviseSidecar;
import io.streamspace.agent.application.port.out.HostMetrics;
import io.streamspace.agent.domain.metrics.CommandMetricsSnapshot;
import io.streamspace.agent.domain.metrics.HostSnapshot;
import io.streamspace.agent.domain.watchdog.HealthState;
import io.streamspace.agent.application.service.secret.TokenRefresher;
import java.time.Clock;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Answers the status API from the command metrics, the host and the token refresher: {@code token_age_seconds}
 * and {@code last_refresh_ok} are the refresher's real values, null when Vault is off (never a made-up
 * {@code true}). In sidecar mode {@code sidecar} is the watchdog's status and the overall status turns
 * {@code degraded} once the watchdog has given up on the sidecar.
 */
public final class AgentStatusService implements QueryAgentStatus {

    private final CommandMetricsRecorder metrics;
    private final HostMetrics host;
    private final Capabilities capabilities;
    private final TokenRefresher tokens;
    private final Clock clock;
    private final Optional<SuperviseSidecar> watchdog;
    private final Supplier<Optional<String>> runtime;

    public AgentStatusService(CommandMetricsRecorder metrics, HostMetrics host, Capabilities capabilities) {
        this(metrics, host, capabilities, null, Clock.systemUTC());
    }

    public AgentStatusService(CommandMetricsRecorder metrics, HostMetrics host, Capabilities capabilities,
                              TokenRefresher tokens, Clock clock) {
        this(metrics, host, capabilities, tokens, clock, Optional.empty());
    }

    public AgentStatusService(CommandMetricsRecorder metrics, HostMetrics host, Capabilities capabilities,
                              TokenRefresher tokens, Clock clock, Optional<SuperviseSidecar> watchdog) {
        this(metrics, host, capabilities, tokens, clock, watchdog, Optional::empty);
    }

    /** @param runtime which engine serves the sessions (see {@link QueryAgentStatus#runtime()}), asked per request */
    public AgentStatusService(CommandMetricsRecorder metrics, HostMetrics host, Capabilities capabilities,
                              TokenRefresher tokens, Clock clock, Optional<SuperviseSidecar> watchdog,
                              Supplier<Optional<String>> runtime) {
        this.runtime = Objects.requireNonNull(runtime);
        this.watchdog = Objects.requireNonNull(watchdog);
        this.tokens = tokens;
        this.clock = Objects.requireNonNull(clock);
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
        Sidecar sidecar = sidecar().orElse(null);
        String overall = sidecar != null && sidecar.failed() ? "degraded" : "ok";
        if (tokens == null) {
            return new Health(overall, null, null, metrics.snapshot(), sidecar);
        }
        OptionalLong age = tokens.tokenAgeSeconds(clock.instant());
        return new Health(overall, age.isPresent() ? age.getAsLong() : null, tokens.lastRefreshOk(),
                metrics.snapshot(), sidecar);
    }

    @Override
    public Optional<Sidecar> sidecar() {
        return watchdog.map(w -> sidecar(w.status()));
    }

    static Sidecar sidecar(SuperviseSidecar.Status s) {
        HealthState health = s.health();
        String state;
        String reason;
        switch (health) {
            case null -> {
                state = "starting";
                reason = "not checked yet";
            }
            case HealthState.Healthy h -> {
                state = "healthy";
                reason = null;
            }
            case HealthState.Starting h -> {
                state = "starting";
                reason = h.describe();
            }
            case HealthState.Unhealthy u -> {
                state = "unhealthy";
                reason = u.reason();
            }
            case HealthState.GlibcMismatch g -> {
                state = "glibc_mismatch";
                reason = g.detail();
            }
            case HealthState.NotFound n -> {
                state = "not_found";
                reason = null;
            }
        }
        if (s.lastError() != null) {
            reason = reason == null ? s.lastError() : reason + "; " + s.lastError();
        }
        return new Sidecar(s.target(), state, reason, s.attempts(), s.maxAttempts(), s.failed(), s.lastRestartAt());
    }

    @Override
    public Optional<String> runtime() {
        return runtime.get();
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
