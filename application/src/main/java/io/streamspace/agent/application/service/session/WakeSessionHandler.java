package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.session.SessionId;
import io.streamspace.agent.domain.session.SessionState;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Map;

/**
 * {@code wake_session}: unpauses or starts the hibernated container (a stopped one must fit the capacity
 * again), waits until it runs and reports {@code status running}. Waking a running session is a success.
 */
public final class WakeSessionHandler implements CommandHandler {

    public static final String ACTION = "wake_session";
    private static final System.Logger LOG = System.getLogger("DockerAgent");

    private final SessionSupport support;
    private final SessionRuntime runtime;
    private final SessionSettings settings;
    private final SessionRegistry registry;
    private final SessionCapacity capacity;
    private final Clock clock;
    private final SessionVnc vnc;

    public WakeSessionHandler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                              SessionCapacity capacity, Clock clock) {
        this(runtime, settings, registry, capacity, clock, SessionVnc.NONE);
    }

    /** With the VNC tunnel: {@code status running} waits (bounded) for the VNC port, then {@code vnc_ready}. */
    public WakeSessionHandler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                              SessionCapacity capacity, Clock clock, SessionVnc vnc) {
        this.vnc = vnc;
        this.support = new SessionSupport(runtime, settings);
        this.runtime = runtime;
        this.settings = settings;
        this.registry = registry;
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handle(InboundMessage.Command command, ControlPlaneMessages messages)
            throws CommandFailedException, InterruptedException {
        String id = Payloads.sessionId(command.payload()).value();
        String name = SessionSettings.containerName(id);
        registry.begin(id, ACTION);
        try {
            ContainerState container = runtime.inspect(name).orElse(null);
            if (container == null || !support.owned(container)) {
                String reason = container == null
                        ? "cannot wake session " + id + ": its container " + name + " does not exist"
                        : support.notOurs(name);
                messages.send(SessionSupport.status(id, SessionState.FAILED, reason));
                throw new CommandFailedException(reason);
            }
            if (!container.running()) {
                boolean paused = "paused".equals(container.status());
                if (!paused) {
                    try {
                        capacity.admit(SessionCapacity.reservationOf(id, container.labels()));
                    } catch (CommandFailedException refused) {
                        // Nothing changed: the session stays hibernated.
                        messages.send(SessionSupport.status(id, SessionState.HIBERNATED, refused.getMessage()));
                        throw refused;
                    }
                }
                registry.expect(id, SessionState.WAKING);
                try {
                    if (paused) {
                        runtime.unpauseContainer(name, settings.ownerLabels());
                    } else {
                        runtime.startContainer(name, settings.ownerLabels());
                    }
                    container = support.awaitRunning(name, runtime.inspect(name).orElse(null),
                            () -> registry.exitDuringOperation(id));
                } catch (CommandFailedException | RuntimeOperationException e) {
                    registry.release(id);
                    registry.expect(id, SessionState.FAILED);
                    String reason = e instanceof CommandFailedException ? e.getMessage()
                            : "could not wake session " + id + ": " + e.getMessage();
                    messages.send(SessionSupport.status(id, SessionState.FAILED, reason));
                    throw new CommandFailedException(reason, e);
                }
                LOG.log(Level.INFO, "Session {0} woke up", id);
            }
            registry.expect(id, SessionState.RUNNING);
            if (registry.hasLimits(id)) {
                registry.touch(id, clock.instant());
            } else {
                SessionTimers.restoreLimits(registry, id, container.labels(), clock.instant());
            }
            boolean ready = vnc.awaitReady(id, container);
            messages.send(support.running(id, container, null, ready));
            if (ready) {
                messages.send(SessionSupport.vncReady(id, container));
            }
            return SessionSupport.result(id, SessionState.RUNNING, container);
        } finally {
            registry.end(id);
        }
    }
}
