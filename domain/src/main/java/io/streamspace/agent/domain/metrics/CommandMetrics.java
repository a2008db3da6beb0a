package io.streamspace.agent.domain.metrics;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Counts finished command executions per control plane, per action and per outcome, and remembers the plane and
 * time of the last one. Time is passed in. Safe for concurrent use: every method is synchronized on the instance
 * and {@link #snapshot()} is a consistent copy.
 */
public final class CommandMetrics {

    private final Map<ControlPlaneTag, Map<String, ActionCounts>> counts = new EnumMap<>(ControlPlaneTag.class);
    private long statusPanelCount;
    private long composeAgentCount;
    private ControlPlaneTag lastControlPlane;
    private Long lastCommandTimestampMs;

    /**
     * Records one finished execution.
     *
     * @param action      the command's action as received (an unknown action too); null or blank is counted as
     *                    {@link #NO_ACTION}
     * @param timestampMs when it finished, Unix epoch milliseconds
     */
    public synchronized void record(ControlPlaneTag plane, String action, CommandOutcome outcome, long timestampMs) {
        Objects.requireNonNull(plane, "plane");
        Objects.requireNonNull(outcome, "outcome");
        String key = action == null || action.isBlank() ? NO_ACTION : action;
        Map<String, ActionCounts> actions = counts.computeIfAbsent(plane, p -> new HashMap<>());
        if (!actions.containsKey(key) && actions.size() >= MAX_ACTIONS_PER_PLANE - 1) {
            key = OTHER_ACTIONS; // actions come from outside: bound the number of names (and of metric series)
        }
        actions.merge(key, ActionCounts.NONE.plus(outcome), ActionCounts::plus);
        if (plane == ControlPlaneTag.STATUS_PANEL) {
            statusPanelCount++;
        } else {
            composeAgentCount++;
        }
        lastControlPlane = plane;
        // commands finish concurrently: the newest time wins, whatever order their records arrive in
        if (lastCommandTimestampMs == null || timestampMs >= lastCommandTimestampMs) {
            lastCommandTimestampMs = timestampMs;
        }
    }

    /** The action name under which a command without an action is counted. */
    public static final String NO_ACTION = "(none)";

    /** At most this many action names are kept per plane; commands of further names count under {@link #OTHER_ACTIONS}. */
    public static final int MAX_ACTIONS_PER_PLANE = 100;

    /** The action name that collects actions beyond {@link #MAX_ACTIONS_PER_PLANE}. */
    public static final String OTHER_ACTIONS = "(other)";

    public synchronized CommandMetricsSnapshot snapshot() {
        return new CommandMetricsSnapshot(statusPanelCount, composeAgentCount, statusPanelCount + composeAgentCount,
                lastControlPlane, lastCommandTimestampMs, counts);
    }
}
