package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.port.out.SessionRuntime.VolumeRef;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.session.SessionId;
import io.streamspace.agent.domain.session.SessionState;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code stop_session}: removes the session's container; idempotent (a session already gone is a success).
 * {@code deletePVC: true} also removes the session's volumes. Reports {@code status terminated}; a container of that
 * name that is not this agent's is refused with {@code status failed}.
 */
public final class StopSessionHandler implements CommandHandler {

    public static final String ACTION = "stop_session";
    private static final System.Logger LOG = System.getLogger("DockerAgent");

    private final SessionSupport support;
    private final SessionRuntime runtime;
    private final SessionSettings settings;
    private final SessionRegistry registry;
    private final SessionVnc vnc;

    public StopSessionHandler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry) {
        this(runtime, settings, registry, SessionVnc.NONE);
    }

    /** With the VNC tunnel, which is closed before the container goes. */
    public StopSessionHandler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                              SessionVnc vnc) {
        this.vnc = vnc;
        this.support = new SessionSupport(runtime, settings);
        this.runtime = runtime;
        this.settings = settings;
        this.registry = registry;
    }

    @Override
    public Map<String, Object> handle(InboundMessage.Command command, ControlPlaneMessages messages)
            throws CommandFailedException {
        SessionId sessionId = Payloads.sessionId(command.payload());
        boolean deleteVolumes = Payloads.optionalBoolean(command.payload(), "deletePVC");
        return stop(sessionId, deleteVolumes, null, messages);
    }

    /**
     * Stops a session (also used by the lifetime limit).
     *
     * @param why added to the {@code status} message, may be null
     */
    public Map<String, Object> stop(SessionId sessionId, boolean deleteVolumes, String why,
                                    ControlPlaneMessages messages) throws CommandFailedException {
        String id = sessionId.value();
        String name = SessionSettings.containerName(id);
        registry.begin(id, ACTION);
        try {
            Optional<ContainerState> existing = runtime.inspect(name);
            if (existing.isPresent() && !support.owned(existing.get())) {
                // Like start, hibernate and wake: always a status, so the control plane does not keep the session
                // in terminating (and re-send this stop forever) for a container this agent will never remove.
                String reason = support.notOurs(name);
                messages.send(SessionSupport.status(id, SessionState.FAILED, reason));
                throw new CommandFailedException(reason);
            }
            registry.expect(id, SessionState.TERMINATING);
            vnc.sessionEnded(id, "session " + id + " is stopping" + (why == null ? "" : " (" + why + ")"));
            boolean removed = runtime.removeContainer(name, settings.ownerLabels());
            LOG.log(Level.INFO, removed ? "Removed container {0}" : "Container {0} was already gone", name);
            List<String> volumes = new ArrayList<>();
            if (deleteVolumes) {
                for (VolumeRef v : runtime.findVolumes(settings.sessionSelector(id))) {
                    if (runtime.removeVolume(v.name(), settings.ownerLabels())) {
                        volumes.add(v.name());
                        LOG.log(Level.INFO, "Removed volume {0} of session {1}", v.name(), id);
                    }
                }
            }
            registry.terminated(id);
            messages.send(SessionSupport.status(id, SessionState.TERMINATED, why));
            Map<String, Object> result = new LinkedHashMap<>(SessionSupport.result(id, SessionState.TERMINATED, null));
            result.put("containerRemoved", removed);
            if (deleteVolumes) {
                result.put("volumesRemoved", volumes);
            }
            return result;
        } catch (RuntimeOperationException e) {
            throw new CommandFailedException("could not stop session " + id + ": " + e.getMessage(), e);
        } finally {
            registry.end(id);
        }
    }
}
