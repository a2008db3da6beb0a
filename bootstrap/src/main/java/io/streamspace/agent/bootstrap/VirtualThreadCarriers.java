package io.streamspace.agent.bootstrap;

import java.util.Properties;

/**
 * Leaves one core to the agent's platform threads: the JDK's virtual-thread scheduler gets one carrier thread per
 * core less (at least one) unless {@code -Djdk.virtualThreadScheduler.parallelism} says otherwise. Commands, starts
 * and tunnels run on virtual threads; what answers the control plane at once (the WebSocket's reader, the admission
 * thread that sends each {@code ack}) runs on platform threads, and in a start storm it waited for a time slice behind
 * carriers busy with the starts. On the 2-core bench host this halved the {@code ack}'s median during storms and
 * did not slow the storm (docs/benchmarks.md, ADR 0025). Must run before the first virtual thread starts: the
 * scheduler reads the property once.
 */
final class VirtualThreadCarriers {

    static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    private VirtualThreadCarriers() {
    }

    static void leaveOneCoreToPlatformThreads() {
        leaveOneCoreToPlatformThreads(System.getProperties(), Runtime.getRuntime().availableProcessors());
    }

    static void leaveOneCoreToPlatformThreads(Properties properties, int cores) {
        if (properties.getProperty(PARALLELISM) == null) {
            properties.setProperty(PARALLELISM, String.valueOf(Math.max(1, cores - 1)));
        }
    }
}
