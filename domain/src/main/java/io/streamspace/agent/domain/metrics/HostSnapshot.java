package io.streamspace.agent.domain.metrics;

/**
 * The host's load and memory at one moment, as the kernel reports them.
 *
 * @param load1               run-queue load average over 1 minute
 * @param memoryTotalBytes    physical memory
 * @param memoryAvailableBytes memory available for new work without swapping (the kernel's estimate)
 * @param cpus                processors online
 */
public record HostSnapshot(double load1, double load5, double load15, long memoryTotalBytes,
                           long memoryAvailableBytes, int cpus) {

    public HostSnapshot {
        if (memoryTotalBytes < 0 || memoryAvailableBytes < 0 || cpus < 0) {
            throw new IllegalArgumentException("host figures cannot be negative");
        }
    }

    public long memoryUsedBytes() {
        return Math.max(0, memoryTotalBytes - memoryAvailableBytes);
    }
}
