package io.streamspace.agent.domain.controlplane;

/**
 * Capacity as the control plane stores it: {@code maxSessions} an integer, the others strings
 * ({@code "100 cores"}, {@code "128Gi"}). A number where a string belongs makes the control plane drop the message.
 */
public record AgentCapacity(int maxSessions, String cpu, String memory, String storage) {

    public AgentCapacity {
        if (maxSessions <= 0) {
            throw new IllegalArgumentException("maxSessions must be positive, got " + maxSessions);
        }
    }

    /** From the operator's limits: cores and gigabytes, as the seed's {@code --max-cpu}/{@code --max-memory}. */
    public static AgentCapacity of(int maxSessions, int maxCpuCores, int maxMemoryGiB) {
        return new AgentCapacity(maxSessions, maxCpuCores + " cores", maxMemoryGiB + "Gi", null);
    }
}
