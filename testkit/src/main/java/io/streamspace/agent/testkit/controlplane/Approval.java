package io.streamspace.agent.testkit.controlplane;

/** Approval state of an agent that registers with the bootstrap key ({@code AGENT_BOOTSTRAP_KEY}). */
public enum Approval {
    PENDING("pending"),
    APPROVED("approved"),
    REJECTED("rejected");

    private final String wire;

    Approval(String wire) {
        this.wire = wire;
    }

    /** The value used in the CP's JSON ({@code "pending"}, {@code "approved"}, {@code "rejected"}). */
    public String wire() {
        return wire;
    }
}
