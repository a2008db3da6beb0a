package io.streamspace.agent.domain.election;

/** What an instance must do now, as decided by {@link LeadershipState#decide(long)}. */
public enum Leadership {
    /** Holds a lease confirmed within the renew deadline: may act as the agent. */
    LEADING,
    /** Was leading but could not confirm a renewal before the renew deadline: must stop acting at once. */
    MUST_STEP_DOWN,
    /** Does not hold the lease: must not register, connect or touch the runtime. */
    STANDBY
}
