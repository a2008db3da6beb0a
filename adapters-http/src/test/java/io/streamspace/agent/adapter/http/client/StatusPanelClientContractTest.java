package io.streamspace.agent.adapter.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.adapter.http.StatusAccess;
import io.streamspace.agent.adapter.http.StatusHttpServer;
import io.streamspace.agent.adapter.http.StatusPanel;
import io.streamspace.agent.application.port.in.ActOnSession;
import io.streamspace.agent.application.port.in.DescribeAgent;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.in.QuerySessions;
import io.streamspace.agent.application.port.out.SessionAgentPanel;
import io.streamspace.agent.application.port.out.SessionAgentPanel.PanelException;
import io.streamspace.agent.application.port.out.SessionAgentPanelContract;
import io.streamspace.agent.application.service.metrics.AgentStatusService;
import io.streamspace.agent.application.service.metrics.CommandMetricsRecorder;
import io.streamspace.agent.application.service.panel.AgentEventFeed;
import io.streamspace.agent.domain.metrics.CommandMetrics;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract on {@link StatusPanelClient} against the real status panel server ({@link StatusHttpServer} with its
 * token checks), serving the contract's agent model through the panel's use cases; plus what only HTTP has.
 */
class StatusPanelClientContractTest extends SessionAgentPanelContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<StatusHttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(StatusHttpServer::close);
    }

    @Override
    protected SessionAgentPanel panel(AgentModel model, String token) throws Exception {
        return new StatusPanelClient(URI.create("http://127.0.0.1:" + serve(model).port()),
                () -> Optional.ofNullable(token), JSON);
    }

    private StatusHttpServer serve(AgentModel model) throws Exception {
        QueryAgentStatus status = new AgentStatusService(new CommandMetricsRecorder(ControlPlaneTag.STATUS_PANEL,
                new CommandMetrics(), Clock.systemUTC()), Optional::empty, new QueryAgentStatus.Capabilities(false,
                ControlPlaneTag.STATUS_PANEL, "test", List.of()));
        QuerySessions sessions = () -> new QuerySessions.SessionList("engine", model.standby()
                ? "this replica is a standby: the leader lists the sessions" : null,
                model.sessions().stream().map(s -> new QuerySessions.SessionView(s.sessionId(), s.user(),
                        s.template(), s.state(), s.container(), "c0ffee", s.containerStatus(), s.image(), 250,
                        64L << 20, null, null, Map.of(5900, 32000), s.startedAt(), s.lastActivity(), null,
                        s.history().stream().map(h -> new QuerySessions.StateChange(h.at(), h.state(), h.message()))
                                .toList())).toList(), Instant.now());
        DescribeAgent agent = () -> new DescribeAgent.AgentView(new DescribeAgent.Identity(model.agentId(), "test",
                "docker", null, "agent", "status_panel", "legacy", null, Instant.now()),
                new DescribeAgent.Leadership("single", null, null, null, 0),
                new DescribeAgent.Link("connected", Instant.now(), null, 0, 0), null, null, null, null, Map.of(),
                Map.of());
        ActOnSession act = (id, action, by) -> {
            SessionAgentPanel.ActionAnswer answer = model.act(id, switch (action) {
                case HIBERNATE -> "hibernate";
                case WAKE -> "wake";
                case STOP -> "stop";
            });
            return new ActOnSession.Outcome(answer.status(), answer.message(), answer.result());
        };
        StatusAccess access = StatusAccess.withTokens(() -> Optional.of(READ), () -> Optional.of(WRITE));
        StatusHttpServer server = StatusHttpServer.start("127.0.0.1", 0, status, JSON, new StatusPanel(sessions, agent,
                new AgentEventFeed(Clock.systemUTC()), act, access, Duration.ofSeconds(15), 8));
        servers.add(server);
        return server;
    }

    @Test
    void aPanelThatIsNotThereIsUnreachableAndSaysWhere() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        StatusPanelClient client = new StatusPanelClient(URI.create("http://127.0.0.1:" + port),
                () -> Optional.of(WRITE), JSON);
        assertThatThrownBy(client::sessions).isInstanceOfSatisfying(PanelException.class, e -> {
            assertThat(e.problem()).isEqualTo(PanelException.Problem.UNREACHABLE);
            assertThat(e.getMessage()).contains("http://127.0.0.1:" + port, "cannot be reached");
        });
        assertThatThrownBy(() -> client.act("s1", "wake")).isInstanceOf(PanelException.class);
    }

    @Test
    void theLocationDropsCredentialsAndAPathPrefixIsKept() {
        StatusPanelClient client = new StatusPanelClient(URI.create("https://user:pw@proxy.example:8443/agent-1/"),
                Optional::empty, JSON);
        assertThat(client.location()).isEqualTo("https://proxy.example:8443/agent-1");
    }
}
