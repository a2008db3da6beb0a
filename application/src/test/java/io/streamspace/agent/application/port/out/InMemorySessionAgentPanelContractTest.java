package io.streamspace.agent.application.port.out;

/** The contract on the in-memory panel. */
class InMemorySessionAgentPanelContractTest extends SessionAgentPanelContract {

    @Override
    protected SessionAgentPanel panel(AgentModel model, String token) {
        return new InMemorySessionAgentPanel(model, token, READ, WRITE);
    }
}
