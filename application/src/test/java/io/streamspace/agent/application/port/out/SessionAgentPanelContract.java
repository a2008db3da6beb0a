package io.streamspace.agent.application.port.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.SessionAgentPanel.PanelException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SessionAgentPanel} does, run on the in-memory fake and on the HTTP client against the real
 * status panel server ({@code adapters-http}): the agent's sessions and id, actions with the write token only, the
 * agent's refusals passed on, and token problems as {@link PanelException}s that never carry the token.
 */
public abstract class SessionAgentPanelContract {

    public static final String AGENT_ID = "agent-7";
    /** The panel's read token. */
    public static final String READ = "read-token-0123456789";
    /** The panel's write token. */
    public static final String WRITE = "write-token-0123456789";

    /** The agent behind the panel: its sessions and how it answers actions. Both implementations serve it. */
    public static final class AgentModel {
        private final Map<String, String> states = new LinkedHashMap<>();
        private final Map<String, List<SessionAgentPanel.StateChange>> history = new LinkedHashMap<>();
        private volatile boolean standby;
        private Instant clock = Instant.parse("2026-12-04T10:00:00Z");

        public String agentId() {
            return AGENT_ID;
        }

        public boolean standby() {
            return standby;
        }

        public void standby(boolean standby) {
            this.standby = standby;
        }

        public synchronized void add(String sessionId, String state) {
            states.put(sessionId, state);
            record(sessionId, state);
        }

        public synchronized String state(String sessionId) {
            return states.get(sessionId);
        }

        /** The sessions as the agent lists them; none on a standby. */
        public synchronized List<SessionAgentPanel.Session> sessions() {
            List<SessionAgentPanel.Session> sessions = new ArrayList<>();
            if (!standby) {
                states.forEach((id, state) -> sessions.add(new SessionAgentPanel.Session(id, "alice", "firefox",
                        state, "streamspace-" + id, state.equals("running") ? "running" : "exited",
                        "streamspace-test/busybox:latest", Instant.parse("2026-12-04T09:00:00Z"), null,
                        history.get(id))));
            }
            return sessions;
        }

        /** The agent's answer to an action, as its SessionActionService gives it. */
        public synchronized SessionAgentPanel.ActionAnswer act(String sessionId, String action) {
            if (standby) {
                return new SessionAgentPanel.ActionAnswer("refused", "this replica is a standby; act on the leader's"
                        + " panel", Map.of());
            }
            if (!states.containsKey(sessionId)) {
                return new SessionAgentPanel.ActionAnswer("failed", "session " + sessionId + " not found", Map.of());
            }
            String state = switch (action) {
                case "hibernate" -> "hibernated";
                case "wake" -> "running";
                default -> "terminated";
            };
            if (!state.equals(states.get(sessionId))) {
                states.put(sessionId, state);
                record(sessionId, state);
            }
            return new SessionAgentPanel.ActionAnswer("done", null, Map.of("sessionId", sessionId, "state", state));
        }

        private void record(String sessionId, String state) {
            clock = clock.plusSeconds(1);
            history.computeIfAbsent(sessionId, k -> new ArrayList<>())
                    .add(new SessionAgentPanel.StateChange(clock, state, null));
        }
    }

    /**
     * A panel of {@code model} as a client presenting {@code token} (null: none) sees it; the panel accepts
     * {@link #READ} (read scope) and {@link #WRITE} (write scope).
     */
    protected abstract SessionAgentPanel panel(AgentModel model, String token) throws Exception;

    @Test
    void listsTheAgentsSessionsUnderItsIdWithEitherToken() throws Exception {
        AgentModel model = new AgentModel();
        model.add("s1", "running");

        for (String token : List.of(READ, WRITE)) {
            SessionAgentPanel.Listing listing = panel(model, token).sessions();
            assertThat(listing.agentId()).isEqualTo(AGENT_ID);
            assertThat(listing.unavailable()).isNull();
            assertThat(listing.sessions()).singleElement().satisfies(s -> {
                assertThat(s.sessionId()).isEqualTo("s1");
                assertThat(s.state()).isEqualTo("running");
                assertThat(s.user()).isEqualTo("alice");
                assertThat(s.container()).isEqualTo("streamspace-s1");
                assertThat(s.history()).extracting(SessionAgentPanel.StateChange::state).containsExactly("running");
            });
        }
    }

    @Test
    void anActionWithTheWriteTokenIsTheAgentsAndShowsInItsNextListing() throws Exception {
        AgentModel model = new AgentModel();
        model.add("s1", "running");
        SessionAgentPanel panel = panel(model, WRITE);

        SessionAgentPanel.ActionAnswer answer = panel.act("s1", "hibernate");
        assertThat(answer.done()).isTrue();
        assertThat(answer.result()).containsEntry("state", "hibernated");
        assertThat(model.state("s1")).isEqualTo("hibernated");
        assertThat(panel.sessions().sessions().get(0).history()).extracting(SessionAgentPanel.StateChange::state)
                .containsExactly("running", "hibernated");

        assertThat(panel.act("s1", "wake").result()).containsEntry("state", "running");
        assertThat(model.state("s1")).isEqualTo("running");
    }

    @Test
    void theAgentsRefusalsArePassedOnAsAnswers() throws Exception {
        AgentModel model = new AgentModel();
        model.add("s1", "running");
        SessionAgentPanel panel = panel(model, WRITE);

        SessionAgentPanel.ActionAnswer unknown = panel.act("s9", "hibernate");
        assertThat(unknown.status()).isEqualTo("failed");
        assertThat(unknown.message()).contains("s9");

        model.standby(true);
        SessionAgentPanel.Listing listing = panel.sessions();
        assertThat(listing.unavailable()).contains("standby");
        assertThat(listing.sessions()).isEmpty();
        SessionAgentPanel.ActionAnswer refused = panel.act("s1", "hibernate");
        assertThat(refused.status()).isEqualTo("refused");
        assertThat(refused.message()).contains("standby");
        assertThat(model.state("s1")).isEqualTo("running");
    }

    @Test
    void tokenProblemsAreTypedAndNeverCarryTheToken() throws Exception {
        AgentModel model = new AgentModel();
        model.add("s1", "running");
        String wrong = "wrong-token-0123456789";

        assertThatThrownBy(() -> panel(model, wrong).sessions()).isInstanceOfSatisfying(PanelException.class, e -> {
            assertThat(e.problem()).isEqualTo(PanelException.Problem.TOKEN_REFUSED);
            assertThat(e.getMessage()).doesNotContain(wrong);
        });
        assertThatThrownBy(() -> panel(model, wrong).act("s1", "hibernate"))
                .isInstanceOfSatisfying(PanelException.class, e ->
                        assertThat(e.problem()).isEqualTo(PanelException.Problem.TOKEN_REFUSED));
        assertThatThrownBy(() -> panel(model, READ).act("s1", "hibernate"))
                .isInstanceOfSatisfying(PanelException.class, e -> {
                    assertThat(e.problem()).isEqualTo(PanelException.Problem.NO_WRITE_SCOPE);
                    assertThat(e.getMessage()).contains("write").doesNotContain(READ);
                });
        assertThatThrownBy(() -> panel(model, null).act("s1", "hibernate"))
                .isInstanceOfSatisfying(PanelException.class, e ->
                        assertThat(e.problem()).isEqualTo(PanelException.Problem.NO_TOKEN));
        assertThatThrownBy(() -> panel(model, null).sessions())
                .isInstanceOfSatisfying(PanelException.class, e ->
                        assertThat(e.problem()).isEqualTo(PanelException.Problem.NO_TOKEN));
        assertThat(model.state("s1")).as("nothing changed").isEqualTo("running");
        assertThat(panel(model, WRITE).location()).doesNotContain(WRITE);
    }
}
