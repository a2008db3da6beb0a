package io.streamspace.agent.application.service.metrics;

import io.streamspace.agent.domain.metrics.CommandOutcome;

/**
 * Told of every command the router answered: {@code complete} is a success, {@code failed} (an unknown action, a
 * handler's refusal, a crash, an interruption) a failure. Called on the thread that answered; must be quick and
 * must not throw (the router logs and ignores it if it does).
 */
@FunctionalInterface
public interface CommandOutcomeListener {

    CommandOutcomeListener NONE = (action, outcome) -> { };

    /** @param action the action as received, possibly null or unknown to this agent */
    void finished(String action, CommandOutcome outcome);
}
