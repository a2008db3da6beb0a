package io.streamspace.agent.application.service;

import io.streamspace.agent.domain.controlplane.InboundMessage;
import java.util.Map;

/**
 * Carries out one control-plane action. The handler sends the {@code status} messages of the sessions it
 * changes; the router sends {@code complete} with the returned result, or {@code failed} with the message of
 * a {@link CommandFailedException}.
 */
public interface CommandHandler {

    Map<String, Object> handle(InboundMessage.Command command, ControlPlaneMessages messages)
            throws CommandFailedException, InterruptedException;
}
