package io.streamspace.agent.domain.election;

/**
 * The fencing token of one leadership term: incremented atomically with every acquisition of the leader lock, so a
 * later term always has a larger epoch. Carried in every message of the leader ({@code agentEpoch}) so that the
 * control plane can refuse a deposed leader.
 */
public record FencingEpoch(long value) implements Comparable<FencingEpoch> {

    public FencingEpoch {
        if (value < 1) {
            throw new IllegalArgumentException("a fencing epoch starts at 1, got " + value);
        }
    }

    public static FencingEpoch of(long value) {
        return new FencingEpoch(value);
    }

    /** The epoch of the next acquisition. */
    public FencingEpoch next() {
        if (value == Long.MAX_VALUE) {
            throw new IllegalStateException("fencing epoch overflow");
        }
        return new FencingEpoch(value + 1);
    }

    public boolean isAfter(FencingEpoch other) {
        return value > other.value;
    }

    /**
     * Checks that epochs never go backwards: {@code next} must be after {@code this}.
     *
     * @throws IllegalStateException when {@code next} is not after this epoch
     */
    public FencingEpoch requireSuccessor(FencingEpoch next) {
        if (!next.isAfter(this)) {
            throw new IllegalStateException("fencing epoch went backwards or repeated: " + value + " then " + next.value);
        }
        return next;
    }

    @Override
    public int compareTo(FencingEpoch other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
