package io.streamspace.agent.application.port.in;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The live feed of what the agent does, for the status panel: commands received and answered, session state
 * changes, leadership changes, watchdog actions and status-panel actions. Publishing never blocks; a subscriber
 * that reads too slowly loses its oldest events (and is told how many), so no client can grow the agent's memory.
 */
public interface FollowAgentEvents {

    /**
     * Follows the feed. Events still retained with a sequence above {@code afterSequence} are delivered first
     * (a reconnecting client passes the last sequence it saw; 0 asks for every retained event).
     */
    Subscription subscribe(long afterSequence);

    /** One follower's bounded queue. */
    interface Subscription extends AutoCloseable {

        /** The events queued now, waiting up to {@code max} for the first; empty when none came. */
        List<AgentEvent> await(Duration max) throws InterruptedException;

        /** Events this subscriber lost because it read too slowly (its queue was full), since it subscribed. */
        long dropped();

        @Override
        void close();
    }

    /**
     * One event.
     *
     * @param sequence grows by one per event published by this process
     * @param type     {@code command_received}, {@code command_answered}, {@code session_state},
     *                 {@code leadership}, {@code watchdog}, {@code panel_action}
     * @param summary  one line for a person
     * @param details  the event's facts (strings, numbers, booleans; null values allowed)
     */
    record AgentEvent(long sequence, Instant at, String type, String summary, Map<String, Object> details) {
        public AgentEvent {
            Objects.requireNonNull(at);
            Objects.requireNonNull(type);
            Objects.requireNonNull(summary);
            details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
        }
    }
}
