package io.streamspace.agent.application.port.in;

import io.streamspace.agent.domain.controlplane.InboundMessage;

/** Routes one command from the control plane: acknowledge at once, then run it, then report the outcome. */
public interface HandleControlPlaneCommand {

    void handle(InboundMessage.Command command);
}
