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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code hibernate_session}: stops the container (frees CPU and memory, keeps the disk) or pauses it (keeps its
 * memory), per {@link SessionSettings#hibernateMode()}; reports {@code status hibernated}. A missing session is a
 * failure with the reason (and {@code status failed}, so the control plane does not keep it in hibernating).
 */
public final class HibernateSessionHandler implements CommandHandler {

    public static final String ACTION = "hibernate_session";
    private static final System.Logger LOG = System.getLogger("DockerAgent");

    private final SessionSupport support;
    private final SessionRuntime runtime;
    private final SessionSettings settings;
    private final SessionRegistry registry;
    private final SessionVnc vnc;

    public HibernateSessionHandler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry) {
        this(runtime, settings, registry, SessionVnc.NONE);
    }

    /** With the VNC tunnel, which is closed before the container is stopped or paused. */
    public HibernateSessionHandler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
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
        return hibernate(Payloads.sessionId(command.payload()), null, messages);
    }

    /**
     * Hibernates a session (also used by the idle limit).
     *
     * @param why added to the {@code status} message, may be null
     */
    public Map<String, Object> hibernate(SessionId sessionId, String why, ControlPlaneMessages messages)
            throws CommandFailedException {
        String id = sessionId.value();
        String name = SessionSettings.containerName(id);
        registry.begin(id, ACTION);
        try {
            ContainerState container = runtime.inspect(name).orElse(null);
            if (container == null || !support.owned(container)) {
                String reason = container == null
                        ? "cannot hibernate session " + id + ": its container " + name + " does not exist"
                        : support.notOurs(name);
                messages.send(SessionSupport.status(id, SessionState.FAILED, reason));
                throw new CommandFailedException(reason);
            }
            SessionState before = registry.expected(id).orElse(null);
            registry.expect(id, SessionState.HIBERNATING);
            vnc.sessionEnded(id, "session " + id + " is hibernating" + (why == null ? "" : " (" + why + ")"));
            String status = container.status();
            try {
                if (settings.hibernateMode() == HibernateMode.PAUSE && "running".equals(status)) {
                    runtime.pauseContainer(name, settings.ownerLabels());
                } else if (settings.hibernateMode() == HibernateMode.STOP
                        && ("running".equals(status) || "paused".equals(status) || "restarting".equals(status))) {
                    runtime.stopContainer(name, settings.ownerLabels(), settings.stopGrace());
                    registry.release(id);
                } else {
                    LOG.log(Level.INFO, "Session {0} is already hibernated ({1})", id, status);
                }
            } catch (RuntimeOperationException e) {
                if (before != null) {
                    registry.expect(id, before);
                }
                throw new CommandFailedException("could not hibernate session " + id + ": " + e.getMessage(), e);
            }
            registry.expect(id, SessionState.HIBERNATED);
            LOG.log(Level.INFO, "Session {0} hibernated ({1})", id,
                    settings.hibernateMode().name().toLowerCase(Locale.ROOT));
            messages.send(SessionSupport.status(id, SessionState.HIBERNATED, why));
            Map<String, Object> result = new LinkedHashMap<>(SessionSupport.result(id, SessionState.HIBERNATED,
                    container));
            result.put("mode", settings.hibernateMode().name().toLowerCase(Locale.ROOT));
            return result;
        } finally {
            registry.end(id);
        }
    }
}
