package io.streamspace.agent.domain.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandMetricsTest {

    @Test
    void startsEmpty() {
        CommandMetricsSnapshot snapshot = new CommandMetrics().snapshot();
        assertThat(snapshot).isEqualTo(CommandMetricsSnapshot.EMPTY);
        assertThat(snapshot.lastControlPlane()).isNull();
        assertThat(snapshot.lastCommandTimestampMs()).isNull();
        assertThat(snapshot.byAction()).isEmpty();
    }

    @Test
    void theSeedsExampleOneCommandOnEachPlane() {
        CommandMetrics metrics = new CommandMetrics();
        metrics.record(ControlPlaneTag.COMPOSE_AGENT, "deploy_stack", CommandOutcome.SUCCESS, 1_000);
        metrics.record(ControlPlaneTag.STATUS_PANEL, "start_session", CommandOutcome.SUCCESS, 2_000);

        CommandMetricsSnapshot snapshot = metrics.snapshot();
        assertThat(snapshot.statusPanelCount()).isEqualTo(1);
        assertThat(snapshot.composeAgentCount()).isEqualTo(1);
        assertThat(snapshot.totalCount()).isEqualTo(2);
        assertThat(snapshot.lastControlPlane()).isEqualTo(ControlPlaneTag.STATUS_PANEL);
        assertThat(snapshot.lastCommandTimestampMs()).isEqualTo(2_000L);
    }

    @Test
    void splitsByActionAndOutcomeAcrossPlanes() {
        CommandMetrics metrics = new CommandMetrics();
        metrics.record(ControlPlaneTag.STATUS_PANEL, "start_session", CommandOutcome.SUCCESS, 1);
        metrics.record(ControlPlaneTag.STATUS_PANEL, "start_session", CommandOutcome.FAILURE, 2);
        metrics.record(ControlPlaneTag.COMPOSE_AGENT, "start_session", CommandOutcome.SUCCESS, 3);
        metrics.record(ControlPlaneTag.STATUS_PANEL, "launch_rocket", CommandOutcome.FAILURE, 4);
        metrics.record(ControlPlaneTag.STATUS_PANEL, null, CommandOutcome.FAILURE, 5);

        CommandMetricsSnapshot snapshot = metrics.snapshot();
        assertThat(snapshot.byAction()).containsExactly(
                Map.entry(CommandMetrics.NO_ACTION, new ActionCounts(0, 1)),
                Map.entry("launch_rocket", new ActionCounts(0, 1)),
                Map.entry("start_session", new ActionCounts(2, 1)));
        assertThat(snapshot.byPlaneAndAction().get(ControlPlaneTag.COMPOSE_AGENT))
                .containsExactly(Map.entry("start_session", new ActionCounts(1, 0)));
        assertThat(snapshot.byPlaneAndAction().get(ControlPlaneTag.STATUS_PANEL).get("start_session"))
                .isEqualTo(new ActionCounts(1, 1));
        assertThat(snapshot.totalCount()).isEqualTo(5);
        assertThat(snapshot.count(ControlPlaneTag.STATUS_PANEL)).isEqualTo(4);
    }

    @Test
    void keepsTheNewestTimestampWhenRecordsArriveOutOfOrder() {
        CommandMetrics metrics = new CommandMetrics();
        metrics.record(ControlPlaneTag.STATUS_PANEL, "a", CommandOutcome.SUCCESS, 5_000);
        metrics.record(ControlPlaneTag.STATUS_PANEL, "b", CommandOutcome.SUCCESS, 4_000);
        assertThat(metrics.snapshot().lastCommandTimestampMs()).isEqualTo(5_000L);
    }

    @Test
    void aSnapshotDoesNotChangeAfterwards() {
        CommandMetrics metrics = new CommandMetrics();
        metrics.record(ControlPlaneTag.STATUS_PANEL, "a", CommandOutcome.SUCCESS, 1);
        CommandMetricsSnapshot before = metrics.snapshot();
        metrics.record(ControlPlaneTag.STATUS_PANEL, "a", CommandOutcome.SUCCESS, 2);
        assertThat(before.byAction().get("a")).isEqualTo(new ActionCounts(1, 0));
        assertThat(metrics.snapshot().byAction().get("a")).isEqualTo(new ActionCounts(2, 0));
    }

    @Test
    void parsesTheWireNamesOfThePlanes() {
        assertThat(ControlPlaneTag.parse("status_panel")).contains(ControlPlaneTag.STATUS_PANEL);
        assertThat(ControlPlaneTag.parse(" COMPOSE_AGENT ")).contains(ControlPlaneTag.COMPOSE_AGENT);
        assertThat(ControlPlaneTag.parse("statuspanel")).isEmpty();
        assertThat(ControlPlaneTag.parse(null)).isEmpty();
    }

    @Test
    void boundsTheNumberOfActionNamesAPlaneKeeps() {
        CommandMetrics metrics = new CommandMetrics();
        for (int i = 0; i < CommandMetrics.MAX_ACTIONS_PER_PLANE + 20; i++) {
            metrics.record(ControlPlaneTag.STATUS_PANEL, "junk_" + i, CommandOutcome.FAILURE, i);
        }
        metrics.record(ControlPlaneTag.STATUS_PANEL, "junk_0", CommandOutcome.FAILURE, 500);
        CommandMetricsSnapshot snapshot = metrics.snapshot();
        assertThat(snapshot.byAction()).hasSize(CommandMetrics.MAX_ACTIONS_PER_PLANE);
        assertThat(snapshot.byAction().get("junk_0")).isEqualTo(new ActionCounts(0, 2));
        assertThat(snapshot.byAction().get(CommandMetrics.OTHER_ACTIONS)).isEqualTo(new ActionCounts(0, 21));
        assertThat(snapshot.totalCount()).isEqualTo(CommandMetrics.MAX_ACTIONS_PER_PLANE + 21);
    }
}
