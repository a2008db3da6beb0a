package io.streamspace.agent.domain.capacity;

import io.streamspace.agent.domain.resource.Quantities;
import java.util.Collection;

/**
 * Decides whether one more session fits next to the ones already holding capacity. Sessions without a
 * cpu/memory limit count as sessions but reserve no cpu/memory.
 */
public final class CapacityAdmission {

    private final CapacityLimits limits;

    public CapacityAdmission(CapacityLimits limits) {
        this.limits = limits;
    }

    public CapacityLimits limits() {
        return limits;
    }

    public Admission admit(Collection<Reservation> current, Reservation request) {
        int sessions = current.size();
        if (sessions >= limits.maxSessions()) {
            return new Admission.Refused("capacity exceeded: " + sessions + " of " + limits.maxSessions()
                    + " sessions in use");
        }
        if (limits.maxCpuMillis() > 0) {
            long used = current.stream().mapToLong(Reservation::cpuMillis).sum();
            long free = Math.max(0, limits.maxCpuMillis() - used);
            if (request.cpuMillis() > free) {
                return new Admission.Refused("capacity exceeded: session requests "
                        + Quantities.formatCores(request.cpuMillis()) + " cores, " + Quantities.formatCores(free)
                        + " of " + Quantities.formatCores(limits.maxCpuMillis()) + " free");
            }
        }
        if (limits.maxMemoryBytes() > 0) {
            long used = current.stream().mapToLong(Reservation::memoryBytes).sum();
            long free = Math.max(0, limits.maxMemoryBytes() - used);
            if (request.memoryBytes() > free) {
                return new Admission.Refused("capacity exceeded: session requests "
                        + Quantities.formatBytes(request.memoryBytes()) + " memory, " + Quantities.formatBytes(free)
                        + " of " + Quantities.formatBytes(limits.maxMemoryBytes()) + " free");
            }
        }
        return new Admission.Admitted();
    }
}
