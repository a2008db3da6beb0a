package io.streamspace.agent.application.service;

/** How many sessions this agent runs right now, for the heartbeat. */
@FunctionalInterface
public interface ActiveSessions {

    int count();
}
