package io.streamspace.agent.application.service.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.in.ManageAgentSessions;
import io.streamspace.agent.application.port.in.ManageAgentSessions.AgentSession;
import io.streamspace.agent.application.port.in.ManageAgentSessions.SessionChange;
import io.streamspace.agent.application.port.in.ManageAgentSessions.SessionListing;
import io.streamspace.agent.application.port.in.SessionAgentRequiredException;
import io.streamspace.agent.application.port.out.InMemorySessionAgentPanel;
import io.streamspace.agent.application.port.out.SessionAgentPanel;
import io.streamspace.agent.application.port.out.SessionAgentPanelContract;
import io.streamspace.agent.application.port.in.ObjectNotFoundException;
import io.streamspace.agent.application.port.in.OperationFailedException;
import io.streamspace.agent.application.port.in.OutOfScopeException;
import io.streamspace.agent.application.port.out.InMemoryHostContainers;
import io.streamspace.agent.application.port.out.InMemorySessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.service.session.SessionLabels;
import io.streamspace.agent.domain.host.ContainerSummary;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's use cases on the in-memory engine: scope, redaction, and sessions through their handlers. */
class GatewayServicesTest {

    private static final String IMAGE = "streamspace-test/busybox:latest";
    private InMemoryHostContainers host;
    private final GatewayScope scope = new GatewayScope(List.of("agent-1"), false);

    @BeforeEach
    void engine() {
        host = new InMemoryHostContainers(new InMemorySessionRuntime().withImage(IMAGE));
        create("streamspace-s1", session("agent-1", "s1"), Map.of("API_TOKEN", "tok-123456"));
        create("streamspace-s2", session("agent-2", "s2"), Map.of());
        create("stranger", Map.of("somebody", "else"), Map.of("DB_PASSWORD", "pw-987654"));
    }

    @Test
    void containersOutsideTheScopeAreNeitherListedNorTouched() {
        HostContainerService containers = new HostContainerService(host, scope);

        assertThat(containers.list(true)).extracting(ContainerSummary::name).containsExactly("streamspace-s1");
        assertThatThrownBy(() -> containers.inspect("stranger")).isInstanceOf(OutOfScopeException.class)
                .hasMessageContaining("streamspace.agent.id=agent-1");
        assertThatThrownBy(() -> containers.stop("streamspace-s2", Duration.ZERO))
                .isInstanceOf(OutOfScopeException.class);
        assertThat(host.inspect("streamspace-s2").orElseThrow().state()).isEqualTo("running");
        assertThatThrownBy(() -> containers.inspect("nothing")).isInstanceOf(ObjectNotFoundException.class);

        HostContainerService everything = new HostContainerService(host, new GatewayScope(List.of("agent-1"), true));
        assertThat(everything.list(true)).hasSize(3);
        assertThat(everything.inspect("stranger").environment()).containsExactly("DB_PASSWORD=[REDACTED]");
    }

    @Test
    void logsAndInspectionsCarryNoSecretValues() throws Exception {
        HostContainerService containers = new HostContainerService(host, scope);
        host.writeLog("streamspace-s1", "using tok-123456 now");

        assertThat(containers.logs("streamspace-s1", 10, null)).isEqualTo("using [REDACTED:API_TOKEN] now\n");
        assertThat(containers.inspect("streamspace-s1").environment()).containsExactly("API_TOKEN=[REDACTED]");
        containers.stop("streamspace-s1", Duration.ZERO);
        assertThatThrownBy(() -> containers.stats("streamspace-s1")).isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("only a running container");
    }

    @Test
    void sessionChangesAreAskedOfTheOwningAgentsPanelAndReportWhatItReported() throws Exception {
        SessionAgentPanelContract.AgentModel agent1 = new SessionAgentPanelContract.AgentModel();
        agent1.add("s7", "running");
        GatewayScope scope1 = new GatewayScope(List.of(SessionAgentPanelContract.AGENT_ID), false);
        create("streamspace-s7", session(SessionAgentPanelContract.AGENT_ID, "s7"), Map.of());
        AgentSessionService sessions = new AgentSessionService(host, scope1, panel(agent1,
                SessionAgentPanelContract.WRITE));

        SessionListing listing = sessions.list();
        assertThat(listing.source()).isEqualTo("agent");
        assertThat(listing.sessions()).singleElement().satisfies(s -> {
            assertThat(s.sessionId()).isEqualTo("s7");
            assertThat(s.agentId()).isEqualTo(SessionAgentPanelContract.AGENT_ID);
            assertThat(s.state()).isEqualTo("running");
        });

        SessionChange hibernated = sessions.hibernate("s7");
        assertThat(hibernated.result()).containsEntry("state", "hibernated");
        assertThat(hibernated.statusReports()).containsExactly("status hibernated");
        assertThat(hibernated.via()).contains("memory://" + SessionAgentPanelContract.AGENT_ID);
        assertThat(agent1.state("s7")).isEqualTo("hibernated");
        assertThat(sessions.inspect("s7").history()).extracting(ManageAgentSessions.StateReport::state)
                .containsExactly("running", "hibernated");

        SessionChange woken = sessions.wake("s7");
        assertThat(woken.statusReports()).containsExactly("status running");
        assertThat(agent1.state("s7")).isEqualTo("running");

        assertThatThrownBy(() -> sessions.wake("nope")).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> sessions.hibernate("s2")).as("agent-2's session").isInstanceOf(OutOfScopeException.class);
        assertThatThrownBy(() -> sessions.inspect("../x")).isInstanceOf(ObjectNotFoundException.class)
                .hasMessageContaining("not a session id");

        agent1.standby(true);
        assertThatThrownBy(() -> sessions.hibernate("s7")).isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("standby");
        SessionListing fallback = sessions.list();
        assertThat(fallback.source()).isEqualTo("engine");
        assertThat(fallback.agentUnavailable()).contains("standby");
        assertThat(fallback.sessions()).extracting(AgentSession::sessionId).containsExactly("s7");
    }

    @Test
    void withoutAnAgentOrItsWriteTokenSessionChangesAreRefusedAndReadsComeFromTheEngine() {
        SessionAgentPanelContract.AgentModel agent = new SessionAgentPanelContract.AgentModel();
        agent.add("s1", "running");
        AgentSessionService none = new AgentSessionService(host, scope, null);
        assertThatThrownBy(() -> none.hibernate("s1")).isInstanceOfSatisfying(SessionAgentRequiredException.class,
                e -> assertThat(e.missing()).isEqualTo(SessionAgentRequiredException.Missing.AGENT));
        assertThat(none.list().source()).isEqualTo("engine");
        assertThat(none.list().agentUnavailable()).isNull();
        assertThat(none.inspect("s1").state()).isEqualTo("running");

        GatewayScope scope7 = new GatewayScope(List.of(SessionAgentPanelContract.AGENT_ID), false);
        create("streamspace-s7", session(SessionAgentPanelContract.AGENT_ID, "s7"), Map.of());
        for (String token : new String[] {SessionAgentPanelContract.READ, "wrong", null}) {
            AgentSessionService sessions = new AgentSessionService(host, scope7, panel(agent, token));
            assertThatThrownBy(() -> sessions.wake("s7")).as(String.valueOf(token))
                    .isInstanceOfSatisfying(SessionAgentRequiredException.class, e -> assertThat(e.missing())
                            .isEqualTo(SessionAgentRequiredException.Missing.WRITE_TOKEN));
        }
        AgentSessionService wrong = new AgentSessionService(host, scope7, panel(agent, "wrong"));
        assertThat(wrong.list().source()).as("reads fall back to the engine").isEqualTo("engine");
        assertThat(wrong.list().agentUnavailable()).contains("refused the token");

        // a panel of another agent than the session's owner is never asked to change it
        AgentSessionService foreign = new AgentSessionService(host, new GatewayScope(List.of("agent-1"), false),
                panel(agent, SessionAgentPanelContract.WRITE));
        assertThatThrownBy(() -> foreign.hibernate("s1")).isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("belongs to agent agent-1");
        assertThat(agent.state("s1")).isEqualTo("running");
        assertThat(foreign.list().agentUnavailable()).contains("is " + SessionAgentPanelContract.AGENT_ID);
    }

    private static SessionAgentPanel panel(SessionAgentPanelContract.AgentModel agent, String token) {
        return new InMemorySessionAgentPanel(agent, token, SessionAgentPanelContract.READ,
                SessionAgentPanelContract.WRITE);
    }

    private void create(String name, Map<String, String> labels, Map<String, String> env) {
        host.runtime().createAndStart(new ContainerSpec(name, IMAGE, labels, env, 0, 0, "", List.of(), List.of(),
                "127.0.0.1", "no", false, 0));
    }

    private static Map<String, String> session(String agent, String id) {
        Map<String, String> labels = new HashMap<>(GatewayScope.ownerLabels(agent));
        labels.put(SessionLabels.SESSION_ID, id);
        return labels;
    }
}
