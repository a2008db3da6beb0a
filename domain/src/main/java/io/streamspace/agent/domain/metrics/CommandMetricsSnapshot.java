package io.streamspace.agent.domain.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The command execution metrics at one moment. The first five components are the seed's fields
 * ({@code status_panel_count}, {@code compose_agent_count}, {@code total_count}, {@code last_control_plane},
 * {@code last_command_timestamp_ms}); {@link #byAction()} splits them by action and outcome, and
 * {@link #byPlaneAndAction()} further by control plane (the Prometheus labels).
 *
 * @param lastControlPlane      null before the first command
 * @param lastCommandTimestampMs null before the first command
 * @param byPlaneAndAction      plane → action → counts, actions sorted
 */
public record CommandMetricsSnapshot(long statusPanelCount, long composeAgentCount, long totalCount,
                                     ControlPlaneTag lastControlPlane, Long lastCommandTimestampMs,
                                     Map<ControlPlaneTag, Map<String, ActionCounts>> byPlaneAndAction) {

    public static final CommandMetricsSnapshot EMPTY = new CommandMetricsSnapshot(0, 0, 0, null, null, Map.of());

    public CommandMetricsSnapshot {
        Objects.requireNonNull(byPlaneAndAction);
        Map<ControlPlaneTag, Map<String, ActionCounts>> copy = new LinkedHashMap<>();
        for (ControlPlaneTag tag : ControlPlaneTag.values()) {
            Map<String, ActionCounts> actions = byPlaneAndAction.get(tag);
            if (actions != null && !actions.isEmpty()) {
                copy.put(tag, Collections.unmodifiableMap(new TreeMap<>(actions)));
            }
        }
        byPlaneAndAction = Collections.unmodifiableMap(copy);
    }

    /** Action → counts over every control plane, sorted by action. */
    public Map<String, ActionCounts> byAction() {
        Map<String, ActionCounts> merged = new TreeMap<>();
        byPlaneAndAction.values().forEach(actions -> actions.forEach(
                (action, counts) -> merged.merge(action, counts, ActionCounts::plus)));
        return Collections.unmodifiableMap(merged);
    }

    /** The count of one plane. */
    public long count(ControlPlaneTag tag) {
        return tag == ControlPlaneTag.STATUS_PANEL ? statusPanelCount : composeAgentCount;
    }
}
