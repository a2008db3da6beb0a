package io.streamspace.agent.application.service.metrics;

import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.out.HostMetrics;
import io.streamspace.agent.domain.metrics.CommandMetricsSnapshot;
import io.streamspace.agent.domain.metrics.HostSnapshot;
import io.streamspace.agent.application.service.secret.TokenRefresher;
import java.time.Clock;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Optional;

/**
 * Answers the status API from the command metrics, the host and the token refresher: {@code token_age_seconds}
 * and {@code last_refresh_ok} are the refresher's real values, null when Vault is off (never a made-up
 * {@code true}).
 */
public final class AgentStatusService implements QueryAgentStatus {

    private final CommandMetricsRecorder metrics;
    private final HostMetrics host;
    private final Capabilities capabilities;
    private final TokenRefresher tokens;
    private final Clock clock;

    public AgentStatusService(CommandMetricsRecorder metrics, HostMetrics host, Capabilities capabilities) {
        this(metrics, host, capabilities, null, Clock.systemUTC());
    }

    public AgentStatusService(CommandMetricsRecorder metrics, HostMetrics host, Capabilities capabilities,
                              TokenRefresher tokens, Clock clock) {
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
        if (tokens == null) {
            return new Health("ok", null, null, metrics.snapshot());
        }
        OptionalLong age = tokens.tokenAgeSeconds(clock.instant());
        return new Health("ok", age.isPresent() ? age.getAsLong() : null, tokens.lastRefreshOk(), metrics.snapshot());
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
