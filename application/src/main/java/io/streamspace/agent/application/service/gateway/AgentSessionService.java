package io.streamspace.agent.application.service.gateway;

import io.streamspace.agent.application.port.in.ManageAgentSessions;
import io.streamspace.agent.application.port.in.ObjectNotFoundException;
import io.streamspace.agent.application.port.in.OperationFailedException;
import io.streamspace.agent.application.port.in.OutOfScopeException;
import io.streamspace.agent.application.port.out.HostContainers;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.session.HibernateSessionHandler;
import io.streamspace.agent.application.service.session.SessionCapacity;
import io.streamspace.agent.application.service.session.SessionLabels;
import io.streamspace.agent.application.service.session.SessionRegistry;
import io.streamspace.agent.application.service.session.SessionSettings;
import io.streamspace.agent.application.service.session.WakeSessionHandler;
import io.streamspace.agent.domain.capacity.CapacityAdmission;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import io.streamspace.agent.domain.host.ContainerDetails;
import io.streamspace.agent.domain.host.ContainerSummary;
import io.streamspace.agent.domain.session.SessionId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * {@link ManageAgentSessions}: sessions are the containers carrying {@code streamspace.session.id}. Hibernate and wake
 * are handed to {@link HibernateSessionHandler} and {@link WakeSessionHandler} as a {@code hibernate_session} /
 * {@code wake_session} command would be, for the agent whose label the session carries; the {@code status} messages
 * the handlers produce are returned to the caller instead of going to a control plane.
 */
public final class AgentSessionService implements ManageAgentSessions {

    private final HostContainers containers;
    private final SessionRuntime runtime;
    private final GatewayScope scope;
    private final Function<String, SessionSettings> settingsFor;
    private final CapacityAdmission admission;
    private final Clock clock;
    private final Map<String, Handlers> handlers = new ConcurrentHashMap<>();

    private record Handlers(CommandHandler hibernate, CommandHandler wake) {}

    /**
     * @param settingsFor the session settings of an agent id (its hibernate mode, grace, timeouts)
     * @param admission   the capacity a woken session must fit in
     */
    public AgentSessionService(HostContainers containers, SessionRuntime runtime, GatewayScope scope,
                               Function<String, SessionSettings> settingsFor, CapacityAdmission admission,
                               Clock clock) {
        this.containers = containers;
        this.runtime = runtime;
        this.scope = scope;
        this.settingsFor = settingsFor;
        this.admission = admission;
        this.clock = clock;
    }

    @Override
    public List<AgentSession> list() {
        Map<String, ContainerSummary> byId = new LinkedHashMap<>();
        HostContainerService.engine(() -> {
            if (scope.everything()) {
                containers.list(Map.of(SessionLabels.MANAGED, "true"), true).forEach(c -> byId.putIfAbsent(c.id(), c));
            } else {
                for (String agentId : scope.agentIds()) {
                    containers.list(GatewayScope.ownerLabels(agentId), true).forEach(c -> byId.putIfAbsent(c.id(), c));
                }
            }
            return null;
        });
        List<AgentSession> sessions = new ArrayList<>();
        for (ContainerSummary c : byId.values()) {
            String sessionId = c.labels().get(SessionLabels.SESSION_ID);
            if (sessionId != null) {
                sessions.add(new AgentSession(sessionId, c.labels().get(SessionLabels.AGENT_ID), c.name(), c.image(),
                        c.state(), c.labels().get(SessionLabels.USER), c.labels().get(SessionLabels.TEMPLATE),
                        c.created()));
            }
        }
        sessions.sort(Comparator.comparing(AgentSession::sessionId));
        return List.copyOf(sessions);
    }

    @Override
    public AgentSession inspect(String sessionId) {
        ContainerDetails c = container(sessionId);
        return new AgentSession(sessionId, c.labels().get(SessionLabels.AGENT_ID), c.name(), c.image(), c.state(),
                c.labels().get(SessionLabels.USER), c.labels().get(SessionLabels.TEMPLATE), c.created());
    }

    @Override
    public SessionChange hibernate(String sessionId) throws InterruptedException {
        ContainerDetails c = container(sessionId);
        return run(handlersFor(c.labels().get(SessionLabels.AGENT_ID)).hibernate(), HibernateSessionHandler.ACTION,
                sessionId);
    }

    @Override
    public SessionChange wake(String sessionId) throws InterruptedException {
        ContainerDetails c = container(sessionId);
        return run(handlersFor(c.labels().get(SessionLabels.AGENT_ID)).wake(), WakeSessionHandler.ACTION, sessionId);
    }

    private SessionChange run(CommandHandler handler, String action, String sessionId) throws InterruptedException {
        List<String> reports = new CopyOnWriteArrayList<>();
        InboundMessage.Command command = new InboundMessage.Command("mcp-" + UUID.randomUUID(), action,
                Map.of("sessionId", sessionId));
        try {
            Map<String, Object> result = handler.handle(command, message -> reports.add(describe(message)));
            return new SessionChange(sessionId, result == null ? Map.of() : result, reports);
        } catch (CommandFailedException e) {
            throw new OperationFailedException(e.getMessage(), e);
        } catch (io.streamspace.agent.application.port.out.RuntimeOperationException e) {
            throw new OperationFailedException(e.getMessage(), e);
        }
    }

    private static String describe(OutboundMessage message) {
        if (message instanceof OutboundMessage.SessionStatus status) {
            return "status " + status.state() + (status.message() == null ? "" : ": " + status.message());
        }
        if (message instanceof OutboundMessage.VncReady ready) {
            return "vnc_ready on port " + ready.vncPort();
        }
        return message.getClass().getSimpleName();
    }

    private Handlers handlersFor(String agentId) {
        return handlers.computeIfAbsent(agentId, id -> {
            SessionSettings settings = settingsFor.apply(id);
            SessionRegistry registry = new SessionRegistry();
            SessionCapacity capacity = new SessionCapacity(runtime, settings, registry, admission);
            return new Handlers(new HibernateSessionHandler(runtime, settings, registry),
                    new WakeSessionHandler(runtime, settings, registry, capacity, clock));
        });
    }

    /** The session's container when it exists, is a session and is in scope. */
    private ContainerDetails container(String sessionId) {
        String problem = SessionId.problem(sessionId);
        if (problem != null) {
            throw new ObjectNotFoundException("'" + sessionId + "' is not a session id: " + problem);
        }
        String name = SessionSettings.containerName(sessionId);
        ContainerDetails c = HostContainerService.engine(() -> containers.inspect(name)).orElseThrow(() ->
                new ObjectNotFoundException("no session " + sessionId + " on this host (no container " + name + ")"));
        if (!sessionId.equals(c.labels().get(SessionLabels.SESSION_ID))) {
            throw new ObjectNotFoundException("container " + name + " is not a session container (it has no label "
                    + SessionLabels.SESSION_ID + "=" + sessionId + ")");
        }
        if (!scope.covers(c.labels())) {
            throw new OutOfScopeException(scope.outOfScope("session " + sessionId));
        }
        if (c.labels().get(SessionLabels.AGENT_ID) == null) {
            throw new OperationFailedException("session " + sessionId + " has no " + SessionLabels.AGENT_ID
                    + " label: no agent owns it");
        }
        return c;
    }
}
