package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.metrics.HostSnapshot;
import java.util.Optional;

/** Reads the host's load averages and memory. */
public interface HostMetrics {

    /** The current figures, or empty when this host does not report them (no {@code /proc}). */
    Optional<HostSnapshot> read();

    static HostMetrics none() {
        return Optional::empty;
    }
}
