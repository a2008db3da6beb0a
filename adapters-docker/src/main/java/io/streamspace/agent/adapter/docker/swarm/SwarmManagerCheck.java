package io.streamspace.agent.adapter.docker.swarm;

import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.SwarmInfo;
import java.util.Optional;

/**
 * Whether the engine's node can serve the swarm leader lock: only a manager of an active swarm can read and update
 * services ({@code Swarm.ControlAvailable} in {@code GET /info}).
 */
final class SwarmManagerCheck {

    static final String ADVICE = ": run the agent on a manager node (e.g. placement constraint node.role==manager)"
            + " or use --leader-election-backend redis";

    private SwarmManagerCheck() {
    }

    /** Why this node cannot serve the lock, or empty when it is a manager of an active swarm. */
    static Optional<String> refusal(SwarmInfo swarm) {
        LocalNodeState state = swarm == null ? null : swarm.getLocalNodeState();
        String reason;
        if (state == null || state == LocalNodeState.INACTIVE || state == LocalNodeState.EMPTY) {
            reason = "this node is not in a swarm";
        } else if (state == LocalNodeState.PENDING) {
            reason = "this node is still joining a swarm (state pending)";
        } else if (state == LocalNodeState.LOCKED) {
            reason = "this node's swarm is locked (autolock: unlock it with docker swarm unlock)";
        } else if (state == LocalNodeState.ERROR) {
            String error = swarm.getError();
            reason = "this node's swarm is in error" + (error == null || error.isBlank() ? "" : " (" + error + ")");
        } else if (!Boolean.TRUE.equals(swarm.getControlAvailable())) {
            reason = "this node is a worker";
        } else {
            return Optional.empty();
        }
        return Optional.of("The swarm leader election backend needs a swarm manager node, but " + reason + ADVICE);
    }
}
