package io.streamspace.agent.application.service.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.in.ManageAgentSessions.SessionChange;
import io.streamspace.agent.application.port.in.ObjectNotFoundException;
import io.streamspace.agent.application.port.in.OperationFailedException;
import io.streamspace.agent.application.port.in.OutOfScopeException;
import io.streamspace.agent.application.port.out.InMemoryHostContainers;
import io.streamspace.agent.application.port.out.InMemorySessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.service.session.SessionLabels;
import io.streamspace.agent.application.service.session.SessionSettings;
import io.streamspace.agent.domain.capacity.CapacityAdmission;
import io.streamspace.agent.domain.capacity.CapacityLimits;
import io.streamspace.agent.domain.host.ContainerSummary;
import java.time.Clock;
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
    void sessionsHibernateAndWakeThroughTheControlPlaneHandlers() throws Exception {
        AgentSessionService sessions = new AgentSessionService(host, host.runtime(), scope,
                id -> SessionSettings.defaults(id).withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(5)),
                new CapacityAdmission(CapacityLimits.of(10, 10, 10)), Clock.systemUTC());

        assertThat(sessions.list()).extracting(s -> s.sessionId()).containsExactly("s1");
        SessionChange hibernated = sessions.hibernate("s1");
        assertThat(hibernated.result()).containsEntry("state", "hibernated");
        assertThat(hibernated.statusReports()).containsExactly("status hibernated");
        assertThat(host.inspect("streamspace-s1").orElseThrow().state()).isEqualTo("exited");

        SessionChange woken = sessions.wake("s1");
        assertThat(woken.result()).containsEntry("state", "running");
        assertThat(woken.statusReports()).anyMatch(r -> r.startsWith("status running"));

        assertThatThrownBy(() -> sessions.hibernate("s2")).isInstanceOf(OutOfScopeException.class);
        assertThatThrownBy(() -> sessions.wake("nope")).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> sessions.inspect("../x")).isInstanceOf(ObjectNotFoundException.class)
                .hasMessageContaining("not a session id");
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
