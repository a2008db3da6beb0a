package io.streamspace.agent.domain.metrics;

/** Finished executions of one action: answered {@code complete} ({@code success}) or {@code failed}. */
public record ActionCounts(long success, long failure) {

    public static final ActionCounts NONE = new ActionCounts(0, 0);

    public ActionCounts {
        if (success < 0 || failure < 0) {
            throw new IllegalArgumentException("counts cannot be negative: " + success + ", " + failure);
        }
    }

    public ActionCounts plus(CommandOutcome outcome) {
        return outcome == CommandOutcome.SUCCESS ? new ActionCounts(success + 1, failure)
                : new ActionCounts(success, failure + 1);
    }

    public ActionCounts plus(ActionCounts other) {
        return new ActionCounts(success + other.success, failure + other.failure);
    }

    public long total() {
        return success + failure;
    }
}
