package io.streamspace.agent.domain.host;

/**
 * One sample of a container's resource use.
 *
 * @param cpuPercent       CPU used since the previous sample, in percent of one core (200 = two cores busy)
 * @param memoryLimitBytes 0 when the engine reports none
 */
public record ContainerUsage(double cpuPercent, long memoryUsageBytes, long memoryLimitBytes, long networkRxBytes,
                             long networkTxBytes, long pids) {}
