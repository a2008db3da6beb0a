package io.streamspace.agent.domain.metrics;

/** How a command ended: answered {@code complete} or {@code failed} (unknown actions included). */
public enum CommandOutcome {
    SUCCESS("success"),
    FAILURE("failure");

    private final String wireName;

    CommandOutcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
