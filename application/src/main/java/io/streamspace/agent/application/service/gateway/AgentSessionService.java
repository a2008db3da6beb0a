package io.streamspace.agent.application.service.gateway;

import io.streamspace.agent.application.port.in.ManageAgentSessions;
import io.streamspace.agent.application.port.in.ObjectNotFoundException;
import io.streamspace.agent.application.port.in.OperationFailedException;
import io.streamspace.agent.application.port.in.OutOfScopeException;
import io.streamspace.agent.application.port.in.SessionAgentRequiredException;
import io.streamspace.agent.application.port.out.HostContainers;
import io.streamspace.agent.application.port.out.SessionAgentPanel;
import io.streamspace.agent.application.port.out.SessionAgentPanel.PanelException;
import io.streamspace.agent.application.service.session.SessionLabels;
import io.streamspace.agent.application.service.session.SessionSettings;
import io.streamspace.agent.domain.host.ContainerDetails;
import io.streamspace.agent.domain.host.ContainerSummary;
import io.streamspace.agent.domain.session.SessionId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ManageAgentSessions}: sessions are the containers carrying {@code streamspace.session.id}, described as the
 * session agent sees them when one is configured ({@link SessionAgentPanel}). Hibernate and wake are asked of that
 * agent, never run here: the agent runs the control plane's handlers in its own per-session queue and reports the new
 * states to its control plane, so it never sees its session change behind its back (and report it {@code failed}).
 * The engine still decides what is in the gateway's scope: a session is acted on only when its container carries
 * the owner labels and the configured agent is its owner.
 */
public final class AgentSessionService implements ManageAgentSessions {

    static final String AGENT = "agent";
    static final String ENGINE = "engine";

    private final HostContainers containers;
    private final GatewayScope scope;
    private final SessionAgentPanel panel;

    /** @param panel the session agent's status panel; null when none is configured (session changes refuse) */
    public AgentSessionService(HostContainers containers, GatewayScope scope, SessionAgentPanel panel) {
        this.containers = containers;
        this.scope = scope;
        this.panel = panel;
    }

    @Override
    public SessionListing list() {
        if (panel == null) {
            return new SessionListing(ENGINE, null, engineSessions(null));
        }
        String reason;
        try {
            SessionAgentPanel.Listing listing = panel.sessions();
            reason = unusable(listing);
            if (reason == null) {
                List<AgentSession> sessions = new ArrayList<>();
                listing.sessions().forEach(s -> sessions.add(fromAgent(listing.agentId(), s)));
                sessions.sort(Comparator.comparing(AgentSession::sessionId));
                return new SessionListing(AGENT, null, sessions);
            }
        } catch (PanelException e) {
            reason = e.getMessage();
        }
        return new SessionListing(ENGINE, reason, engineSessions(reason));
    }

    @Override
    public AgentSession inspect(String sessionId) {
        ContainerDetails c = container(sessionId);
        if (panel == null) {
            return fromEngine(sessionId, c, null);
        }
        String note;
        try {
            SessionAgentPanel.Listing listing = panel.sessions();
            note = unusable(listing);
            if (note == null) {
                Optional<SessionAgentPanel.Session> known = find(listing, sessionId);
                if (known.isPresent()) {
                    return fromAgent(listing.agentId(), known.get());
                }
                note = "the session agent " + listing.agentId() + " at " + panel.location()
                        + " does not list this session";
            }
        } catch (PanelException e) {
            note = e.getMessage();
        }
        return fromEngine(sessionId, c, note);
    }

    @Override
    public SessionChange hibernate(String sessionId) throws InterruptedException {
        return change(sessionId, "hibernate");
    }

    @Override
    public SessionChange wake(String sessionId) throws InterruptedException {
        return change(sessionId, "wake");
    }

    private SessionChange change(String sessionId, String action) throws InterruptedException {
        if (panel == null) {
            throw new SessionAgentRequiredException(SessionAgentRequiredException.Missing.AGENT, "session " + action
                    + " goes through the session agent's status panel, so that the agent runs it and reports it to"
                    + " its control plane, and no session agent is configured");
        }
        ContainerDetails c = container(sessionId);
        String owner = c.labels().get(SessionLabels.AGENT_ID);
        try {
            SessionAgentPanel.Listing before = panel.sessions();
            if (!owner.equals(before.agentId())) {
                throw new OperationFailedException("session " + sessionId + " belongs to agent " + owner
                        + ", but the session agent at " + panel.location() + " is " + before.agentId()
                        + ": only its owner may change it");
            }
            SessionAgentPanel.ActionAnswer answer = panel.act(sessionId, action);
            if (!answer.done()) {
                throw new OperationFailedException("the session agent " + owner + " at " + panel.location() + " did"
                        + " not " + action + " session " + sessionId + " (" + answer.status() + "): "
                        + answer.message());
            }
            List<String> reports = new ArrayList<>();
            try {
                reportedSince(before, panel.sessions(), sessionId).forEach(r -> reports.add("status " + r.state()
                        + (r.message() == null ? "" : ": " + r.message())));
            } catch (PanelException e) {
                reports.add("(the agent's reports could not be read back: " + e.getMessage() + ")");
            }
            return new SessionChange(sessionId, "session agent " + owner + " at " + panel.location(),
                    answer.result(), reports);
        } catch (PanelException e) {
            throw switch (e.problem()) {
                case NO_TOKEN, TOKEN_REFUSED, NO_WRITE_SCOPE -> new SessionAgentRequiredException(
                        SessionAgentRequiredException.Missing.WRITE_TOKEN, e.getMessage());
                case UNREACHABLE -> new OperationFailedException(e.getMessage(), e);
            };
        }
    }

    /** Why the agent's listing cannot be shown as this gateway's; null when it can. */
    private String unusable(SessionAgentPanel.Listing listing) {
        if (listing.unavailable() != null) {
            return "the session agent " + listing.agentId() + " at " + panel.location() + " lists no sessions: "
                    + listing.unavailable();
        }
        if (!scope.everything() && !scope.agentIds().contains(listing.agentId())) {
            return "the session agent at " + panel.location() + " is " + listing.agentId() + ", not "
                    + (scope.agentIds().size() == 1 ? scope.agentIds().get(0) : "one of " + scope.agentIds());
        }
        return null;
    }

    /** The states the agent reported for the session after {@code before} was read (its history keeps the last 20). */
    private static List<SessionAgentPanel.StateChange> reportedSince(SessionAgentPanel.Listing before,
                                                                    SessionAgentPanel.Listing after,
                                                                    String sessionId) {
        Set<SessionAgentPanel.StateChange> seen = new LinkedHashSet<>(find(before, sessionId)
                .map(SessionAgentPanel.Session::history).orElse(List.of()));
        return find(after, sessionId).map(SessionAgentPanel.Session::history).orElse(List.of()).stream()
                .filter(change -> !seen.contains(change)).toList();
    }

    private static Optional<SessionAgentPanel.Session> find(SessionAgentPanel.Listing listing, String sessionId) {
        return listing.sessions().stream().filter(s -> sessionId.equals(s.sessionId())).findFirst();
    }

    private static AgentSession fromAgent(String agentId, SessionAgentPanel.Session s) {
        List<StateReport> history = s.history().stream()
                .map(h -> new StateReport(h.at(), h.state(), h.message())).toList();
        return new AgentSession(s.sessionId(), agentId, s.container(), s.image(), s.state(), s.containerStatus(),
                s.user(), s.template(), s.startedAt(), s.lastActivity(), history, AGENT, null);
    }

    private static AgentSession fromEngine(String sessionId, ContainerDetails c, String note) {
        return new AgentSession(sessionId, c.labels().get(SessionLabels.AGENT_ID), c.name(), c.image(), c.state(),
                c.state(), c.labels().get(SessionLabels.USER), c.labels().get(SessionLabels.TEMPLATE), c.created(),
                null, List.of(), ENGINE, note);
    }

    private List<AgentSession> engineSessions(String note) {
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
                        c.state(), c.state(), c.labels().get(SessionLabels.USER),
                        c.labels().get(SessionLabels.TEMPLATE), c.created(), null, List.of(), ENGINE, note));
            }
        }
        sessions.sort(Comparator.comparing(AgentSession::sessionId));
        return List.copyOf(sessions);
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
