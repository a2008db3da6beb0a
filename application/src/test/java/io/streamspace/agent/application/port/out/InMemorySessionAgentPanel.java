package io.streamspace.agent.application.port.out;

import io.streamspace.agent.application.port.out.SessionAgentPanel.PanelException.Problem;

/** {@link SessionAgentPanel} in memory: the agent's model behind the token checks its status panel makes. */
public final class InMemorySessionAgentPanel implements SessionAgentPanel {

    private final SessionAgentPanelContract.AgentModel agent;
    private final String token;
    private final String readToken;
    private final String writeToken;

    /**
     * @param token      what the client presents (null: nothing)
     * @param readToken  what the panel accepts for reading
     * @param writeToken what the panel accepts for reading and acting
     */
    public InMemorySessionAgentPanel(SessionAgentPanelContract.AgentModel agent, String token, String readToken,
                                     String writeToken) {
        this.agent = agent;
        this.token = token;
        this.readToken = readToken;
        this.writeToken = writeToken;
    }

    @Override
    public String location() {
        return "memory://" + agent.agentId();
    }

    @Override
    public Listing sessions() {
        check(false);
        return new Listing(agent.agentId(), agent.standby() ? "this replica is a standby" : null, agent.sessions());
    }

    @Override
    public ActionAnswer act(String sessionId, String action) {
        check(true);
        return agent.act(sessionId, action);
    }

    private void check(boolean write) {
        if (token == null) {
            throw new PanelException(Problem.NO_TOKEN, "no token for the status panel at " + location());
        }
        if (!token.equals(readToken) && !token.equals(writeToken)) {
            throw new PanelException(Problem.TOKEN_REFUSED, "the status panel at " + location()
                    + " refused the token (401)");
        }
        if (write && !token.equals(writeToken)) {
            throw new PanelException(Problem.NO_WRITE_SCOPE, "the token has no write scope at " + location());
        }
    }
}
