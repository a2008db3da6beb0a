package io.streamspace.agent.application.service;

import io.streamspace.agent.domain.controlplane.InboundMessage;

/**
 * Decides where and when the work of an acknowledged command runs. Called on the socket's reader thread, in
 * arrival order; must not block.
 */
@FunctionalInterface
public interface CommandScheduler {

    void schedule(InboundMessage.Command command, Runnable work);
}
