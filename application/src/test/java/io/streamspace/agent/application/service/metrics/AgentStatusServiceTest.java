package io.streamspace.agent.application.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.out.HostMetrics;
import io.streamspace.agent.domain.metrics.ActionCounts;
import io.streamspace.agent.domain.metrics.CommandMetrics;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import io.streamspace.agent.domain.metrics.HostSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentStatusServiceTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_732_300_000_000L), ZoneOffset.UTC);
    private static final QueryAgentStatus.Capabilities LEGACY = new QueryAgentStatus.Capabilities(false,
            ControlPlaneTag.STATUS_PANEL, "1.2.3", List.of("docker", "sessions"));

    @Test
    void theRecorderTagsEveryCommandWithTheProcesssPlaneAndTheClocksTime() {
        CommandMetricsRecorder recorder = new CommandMetricsRecorder(ControlPlaneTag.STATUS_PANEL,
                new CommandMetrics(), CLOCK);
        recorder.finished("start_session", CommandOutcome.SUCCESS);
        recorder.finished("launch_rocket", CommandOutcome.FAILURE);

        var snapshot = recorder.snapshot();
        assertThat(snapshot.statusPanelCount()).isEqualTo(2);
        assertThat(snapshot.composeAgentCount()).isZero();
        assertThat(snapshot.lastControlPlane()).isEqualTo(ControlPlaneTag.STATUS_PANEL);
        assertThat(snapshot.lastCommandTimestampMs()).isEqualTo(1_732_300_000_000L);
        assertThat(snapshot.byAction()).containsExactly(Map.entry("launch_rocket", new ActionCounts(0, 1)),
                Map.entry("start_session", new ActionCounts(1, 0)));
    }

    @Test
    void healthCarriesTheMetricsAndNoVaultFiguresWhileVaultIsNotWired() {
        CommandMetricsRecorder recorder = new CommandMetricsRecorder(ControlPlaneTag.STATUS_PANEL,
                new CommandMetrics(), CLOCK);
        HostSnapshot host = new HostSnapshot(0.5, 0.25, 0.125, 8L << 30, 6L << 30, 2);
        AgentStatusService status = new AgentStatusService(recorder, () -> Optional.of(host), LEGACY);
        recorder.finished("stop_session", CommandOutcome.SUCCESS);

        QueryAgentStatus.Health health = status.health();
        assertThat(health.status()).isEqualTo("ok");
        assertThat(health.tokenAgeSeconds()).isNull();
        assertThat(health.lastRefreshOk()).isNull();
        assertThat(health.commandMetrics().totalCount()).isEqualTo(1);
        assertThat(status.commandMetrics()).isEqualTo(health.commandMetrics());
        assertThat(status.capabilities()).isEqualTo(LEGACY);
        assertThat(status.host()).contains(host);
        assertThat(new AgentStatusService(recorder, HostMetrics.none(), LEGACY).host()).isEmpty();
    }

    @Test
    void refusesCapabilitiesThatNameAnotherPlaneThanTheCounts() {
        CommandMetricsRecorder recorder = new CommandMetricsRecorder(ControlPlaneTag.COMPOSE_AGENT,
                new CommandMetrics(), CLOCK);
        assertThatThrownBy(() -> new AgentStatusService(recorder, HostMetrics.none(), LEGACY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compose_agent");
    }
}
