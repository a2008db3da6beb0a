package io.streamspace.agent.application.port.in;

/**
 * High availability: campaign for the agent's leadership and run the agent only while leader. A standby does not
 * register, connect or touch the runtime.
 */
public interface LeadAgent {

    /**
     * Campaigns, leads, fences itself when leadership cannot be confirmed, and campaigns again, any number of times,
     * until {@link #stop()} is called or the control plane ends the agent for good.
     *
     * @return why the agent stopped: {@link ServeControlPlane.StopReason#STOPPED} after {@link #stop()}, or the
     *         leader's final answer from the control plane (rejected, or asked to shut down)
     */
    ServeControlPlane.StopReason run() throws InterruptedException;

    /** Graceful stop: a leader stops serving and releases the lock at once, so a standby takes over quickly. */
    void stop();
}
