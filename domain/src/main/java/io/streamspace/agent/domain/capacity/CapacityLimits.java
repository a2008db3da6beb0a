package io.streamspace.agent.domain.capacity;

/**
 * What the operator allows this agent to run ({@code --max-sessions}, {@code --max-cpu}, {@code --max-memory}).
 *
 * @param maxSessions    sessions holding CPU and memory at once
 * @param maxCpuMillis   millicores, 0 for no cpu limit
 * @param maxMemoryBytes bytes, 0 for no memory limit
 */
public record CapacityLimits(int maxSessions, long maxCpuMillis, long maxMemoryBytes) {

    public CapacityLimits {
        if (maxSessions <= 0) {
            throw new IllegalArgumentException("maxSessions must be positive, got " + maxSessions);
        }
        if (maxCpuMillis < 0 || maxMemoryBytes < 0) {
            throw new IllegalArgumentException("cpu and memory limits must not be negative");
        }
    }

    /** From the CLI's units: whole cores and gigabytes (GiB, as the agent's advertised capacity {@code "<n>Gi"}). */
    public static CapacityLimits of(int maxSessions, double maxCpuCores, double maxMemoryGiB) {
        return new CapacityLimits(maxSessions, Math.round(maxCpuCores * 1000),
                Math.round(maxMemoryGiB * 1024 * 1024 * 1024));
    }
}
