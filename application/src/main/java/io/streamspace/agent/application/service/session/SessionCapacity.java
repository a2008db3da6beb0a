package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.domain.capacity.Admission;
import io.streamspace.agent.domain.capacity.CapacityAdmission;
import io.streamspace.agent.domain.capacity.Reservation;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Capacity admission against what really holds CPU and memory: the owned containers that are running, paused,
 * restarting or just created (their reservations are read from their labels, so this survives agent restarts),
 * plus starts in flight that the runtime does not show yet. Hibernated (stopped) sessions hold nothing. Only
 * reads the runtime: admission happens before anything is created.
 */
public final class SessionCapacity {

    private static final Set<String> HOLDING = Set.of("running", "paused", "restarting", "created");

    private final SessionRuntime runtime;
    private final SessionSettings settings;
    private final SessionRegistry registry;
    private final CapacityAdmission admission;

    public SessionCapacity(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                           CapacityAdmission admission) {
        this.runtime = runtime;
        this.settings = settings;
        this.registry = registry;
        this.admission = admission;
    }

    /** Admits the request and holds its reservation in the registry until released, or fails with the numbers. */
    public void admit(Reservation request) throws CommandFailedException {
        Map<String, Reservation> current = new HashMap<>();
        // The list alone: inspecting each container would wait for every start in flight (ADR 0026).
        for (SessionRuntime.ListedContainer c : runtime.listContainers(settings.ownerLabels())) {
            String id = c.labels().get(SessionLabels.SESSION_ID);
            if (id != null && HOLDING.contains(c.status())) {
                current.put(id, reservationOf(id, c.labels()));
            }
        }
        synchronized (this) {
            registry.held().forEach(current::putIfAbsent);
            current.remove(request.sessionId());
            if (admission.admit(current.values(), request) instanceof Admission.Refused refused) {
                throw new CommandFailedException(refused.reason());
            }
            registry.hold(request);
        }
    }

    /** The reservation recorded in a session container's labels (0 for what it does not limit). */
    public static Reservation reservationOf(String sessionId, Map<String, String> labels) {
        return new Reservation(sessionId, SessionLabels.wholeNumber(labels, SessionLabels.CPU_MILLIS),
                SessionLabels.wholeNumber(labels, SessionLabels.MEMORY_BYTES));
    }
}
