package io.streamspace.agent.testkit.controlplane;

/** The agent's status as the control plane's database would hold it. */
public enum AgentStatus {
    /** Registered (200) and not yet timed out or disconnected. */
    ONLINE,
    /** Known row, but not registered since start, timed out (no heartbeat) or its socket closed. */
    OFFLINE,
    /** No row for this agent id. */
    UNKNOWN
}
