package io.streamspace.agent.application.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.in.SuperviseSidecar;
import io.streamspace.agent.application.port.out.HostMetrics;
import io.streamspace.agent.domain.metrics.ActionCounts;
import io.streamspace.agent.domain.metrics.CommandMetrics;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import io.streamspace.agent.domain.metrics.HostSnapshot;
import io.streamspace.agent.domain.watchdog.HealthState;
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

    /** A watchdog that reports whatever the test sets. */
    private static final class FakeWatchdog implements SuperviseSidecar {
        volatile Status status;

        FakeWatchdog(Status status) {
            this.status = status;
        }

        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }

        @Override
        public Status checkNow() {
            return status;
        }

        @Override
        public Status status() {
            return status;
        }
    }

    private static final QueryAgentStatus.Capabilities SIDECAR = new QueryAgentStatus.Capabilities(true,
            ControlPlaneTag.STATUS_PANEL, "1.2.3", List.of("docker"));

    private static AgentStatusService withWatchdog(SuperviseSidecar watchdog) {
        return new AgentStatusService(new CommandMetricsRecorder(ControlPlaneTag.STATUS_PANEL, new CommandMetrics(),
                CLOCK), HostMetrics.none(), SIDECAR, null, CLOCK, Optional.of(watchdog));
    }

    @Test
    void legacyModeHasNoSidecarAndStaysOk() {
        AgentStatusService status = new AgentStatusService(new CommandMetricsRecorder(ControlPlaneTag.STATUS_PANEL,
                new CommandMetrics(), CLOCK), HostMetrics.none(), LEGACY);
        assertThat(status.health().sidecar()).isNull();
        assertThat(status.health().status()).isEqualTo("ok");
        assertThat(status.sidecar()).isEmpty();
    }

    @Test
    void aHealthySidecarIsReportedAndTheAgentIsOk() {
        Instant restarted = CLOCK.instant().minusSeconds(60);
        FakeWatchdog watchdog = new FakeWatchdog(new SuperviseSidecar.Status("compose-agent", HealthState.HEALTHY,
                1, 5, false, CLOCK.instant(), restarted, null, null));
        QueryAgentStatus.Health health = withWatchdog(watchdog).health();

        assertThat(health.status()).isEqualTo("ok");
        assertThat(health.sidecar()).isEqualTo(new QueryAgentStatus.Sidecar("compose-agent", "healthy", null, 1, 5,
                false, restarted));
    }

    @Test
    void aSidecarTheWatchdogGaveUpOnDegradesTheAgent() {
        FakeWatchdog watchdog = new FakeWatchdog(new SuperviseSidecar.Status("compose-agent",
                new HealthState.GlibcMismatch("version `GLIBC_2.39' not found"), 5, 5, true, CLOCK.instant(),
                CLOCK.instant().minusSeconds(5), null, null));
        AgentStatusService status = withWatchdog(watchdog);

        QueryAgentStatus.Health health = status.health();
        assertThat(health.status()).isEqualTo("degraded");
        assertThat(health.sidecar().state()).isEqualTo("glibc_mismatch");
        assertThat(health.sidecar().reason()).isEqualTo("version `GLIBC_2.39' not found");
        assertThat(health.sidecar().failed()).isTrue();
        assertThat(health.sidecar().restartAttempts()).isEqualTo(5);
        assertThat(health.sidecar().maxRestartAttempts()).isEqualTo(5);

        // The watchdog reads live: once it resets (healthy again) the agent is ok again.
        watchdog.status = new SuperviseSidecar.Status("compose-agent", HealthState.HEALTHY, 0, 5, false,
                CLOCK.instant(), null, null, null);
        assertThat(status.health().status()).isEqualTo("ok");
    }

    @Test
    void mapsEveryWatchdogStateAndTheLatestError() {
        SuperviseSidecar.Status unchecked = new SuperviseSidecar.Status("sc", null, 0, 5, false, null, null, null,
                null);
        assertThat(withWatchdog(new FakeWatchdog(unchecked)).health().sidecar().state()).isEqualTo("starting");
        SuperviseSidecar.Status starting = new SuperviseSidecar.Status("sc", HealthState.STARTING, 0, 5, false,
                CLOCK.instant(), null, null, null);
        assertThat(withWatchdog(new FakeWatchdog(starting)).health().sidecar().state()).isEqualTo("starting");
        SuperviseSidecar.Status unhealthy = new SuperviseSidecar.Status("sc", new HealthState.Unhealthy("exited 1"),
                2, 5, false, CLOCK.instant(), null, CLOCK.instant().plusSeconds(4), "restart failed: boom");
        QueryAgentStatus.Sidecar sidecar = withWatchdog(new FakeWatchdog(unhealthy)).health().sidecar();
        assertThat(sidecar.state()).isEqualTo("unhealthy");
        assertThat(sidecar.reason()).isEqualTo("exited 1; restart failed: boom");
        SuperviseSidecar.Status gone = new SuperviseSidecar.Status("sc", HealthState.NOT_FOUND, 0, 5, false,
                CLOCK.instant(), null, null, null);
        assertThat(withWatchdog(new FakeWatchdog(gone)).health().sidecar().state()).isEqualTo("not_found");
    }
}
