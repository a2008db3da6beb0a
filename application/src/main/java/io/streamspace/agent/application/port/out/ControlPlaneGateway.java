package io.streamspace.agent.application.port.out;

/** The control plane's HTTP and WebSocket endpoints, as seen from the agent. */
public interface ControlPlaneGateway {

    /** {@code POST /api/v1/agents/register}; never throws for an HTTP answer, only describes it. */
    RegistrationOutcome register(RegistrationRequest request) throws InterruptedException;

    /**
     * Opens the WebSocket and returns once the upgrade succeeded. Frames are delivered to {@code listener}
     * one decoded message at a time, in order.
     *
     * @throws ConnectFailedException when the control plane refuses the upgrade or cannot be reached
     */
    ControlPlaneConnection connect(ControlPlaneConnection.Listener listener)
            throws ConnectFailedException, InterruptedException;

    /** Where this gateway points, for logs. */
    String describe();
}
