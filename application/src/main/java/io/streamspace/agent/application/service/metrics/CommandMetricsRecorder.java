package io.streamspace.agent.application.service.metrics;

import io.streamspace.agent.domain.metrics.CommandMetrics;
import io.streamspace.agent.domain.metrics.CommandMetricsSnapshot;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import java.time.Clock;
import java.util.Objects;

/** Counts every finished command under this process's control plane, stamped with the clock's time. */
public final class CommandMetricsRecorder implements CommandOutcomeListener {

    private final ControlPlaneTag plane;
    private final CommandMetrics metrics;
    private final Clock clock;

    public CommandMetricsRecorder(ControlPlaneTag plane, CommandMetrics metrics, Clock clock) {
        this.plane = Objects.requireNonNull(plane);
        this.metrics = Objects.requireNonNull(metrics);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public void finished(String action, CommandOutcome outcome) {
        metrics.record(plane, action, outcome, clock.millis());
    }

    public ControlPlaneTag plane() {
        return plane;
    }

    public CommandMetricsSnapshot snapshot() {
        return metrics.snapshot();
    }
}
