package io.streamspace.agent.application.service.panel;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.in.DescribeAgent;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.in.QuerySessions;
import io.streamspace.agent.application.port.out.InMemorySessionRuntime;
import io.streamspace.agent.application.service.metrics.AgentStatusService;
import io.streamspace.agent.application.service.metrics.CommandMetricsRecorder;
import io.streamspace.agent.domain.capacity.CapacityLimits;
import io.streamspace.agent.domain.metrics.CommandMetrics;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentOverviewServiceTest {

    private static QuerySessions.SessionView session(String id, String containerStatus, long cpu, long memory) {
        return new QuerySessions.SessionView(id, "u", "t", "running", null, null, containerStatus, null, cpu, memory,
                null, null, Map.of(), null, null, null, List.of());
    }

    @Test
    void capacityCountsWhatHoldsItsReservationAndAStartWithoutAContainerYetDoesNotBreakIt() {
        CommandMetricsRecorder recorder = new CommandMetricsRecorder(ControlPlaneTag.STATUS_PANEL,
                new CommandMetrics(), Clock.systemUTC());
        recorder.finished("start_session", CommandOutcome.SUCCESS);
        QueryAgentStatus status = new AgentStatusService(recorder, Optional::empty, new QueryAgentStatus.Capabilities(
                false, ControlPlaneTag.STATUS_PANEL, "test", List.of()));
        QuerySessions sessions = () -> new QuerySessions.SessionList("engine", null, List.of(
                session("a", "running", 250, 64L << 20), session("b", "paused", 500, 128L << 20),
                session("c", "exited", 1000, 1L << 30), session("d", null, 0, 0)), Instant.now());
        AgentOverviewService agent = new AgentOverviewService(new DescribeAgent.Identity("agent-1", "test", "docker",
                null, "agent", "status_panel", "legacy", null, Instant.now()), null, null,
                new InMemorySessionRuntime(), "docker", sessions, CapacityLimits.of(10, 4, 8), status, null, Map::of,
                Clock.systemUTC());

        DescribeAgent.AgentView view = agent.describe();

        assertThat(view.capacity()).isEqualTo(new DescribeAgent.Capacity(2, 10, 750, 4000, 192L << 20, 8L << 30));
        assertThat(view.leadership().state()).isEqualTo("none");
        assertThat(view.engine().via()).isEqualTo("docker");
        assertThat(view.commands()).containsKey("status_panel");
        assertThat(view.vault().enabled()).isFalse();
    }
}
