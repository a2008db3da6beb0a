package io.streamspace.agent.domain.capacity;

/** The outcome of asking for capacity. */
public sealed interface Admission {

    boolean admitted();

    record Admitted() implements Admission {
        public boolean admitted() {
            return true;
        }
    }

    /** Refused; {@code reason} carries the numbers ("capacity exceeded: 3 of 3 sessions in use"). */
    record Refused(String reason) implements Admission {
        public boolean admitted() {
            return false;
        }
    }
}
