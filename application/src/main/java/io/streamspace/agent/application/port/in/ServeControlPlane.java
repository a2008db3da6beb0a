package io.streamspace.agent.application.port.in;

/** Keep the agent registered and connected to its control plane until told to stop. */
public interface ServeControlPlane {

    /**
     * Registers, connects, heartbeats and reconnects forever; returns when {@link #stop()} is called or the
     * control plane rejects this agent for good.
     *
     * @return why serving ended
     */
    StopReason serve() throws InterruptedException;

    /** Asks {@link #serve()} to close the link and return. */
    void stop();

    enum StopReason { STOPPED, REJECTED_BY_CONTROL_PLANE, SHUTDOWN_REQUESTED }
}
