package io.streamspace.agent.domain.capacity;

/**
 * What one session holds (or asks for).
 *
 * @param cpuMillis   0 when the session has no cpu limit
 * @param memoryBytes 0 when the session has no memory limit
 */
public record Reservation(String sessionId, long cpuMillis, long memoryBytes) {

    public Reservation {
        if (cpuMillis < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("a reservation cannot be negative");
        }
    }
}
