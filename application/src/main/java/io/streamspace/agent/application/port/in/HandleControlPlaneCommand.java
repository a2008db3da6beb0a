package io.streamspace.agent.application.port.in;

import io.streamspace.agent.domain.controlplane.InboundMessage;
import java.util.List;

/** Routes one command from the control plane: acknowledge at once, then run it, then report the outcome. */
public interface HandleControlPlaneCommand {

    void handle(InboundMessage.Command command);

    /**
     * Routes commands that arrived together, in their order. A router with a durable journal overrides this to
     * record them all with one sync before their acks (a group commit); by default each is handled on its own.
     */
    default void handleAll(List<InboundMessage.Command> commands) {
        commands.forEach(this::handle);
    }
}
