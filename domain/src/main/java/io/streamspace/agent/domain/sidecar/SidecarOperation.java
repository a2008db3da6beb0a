package io.streamspace.agent.domain.sidecar;

import java.util.Optional;

/**
 * Every operation of the sidecar's local API (one per method of the session runtime port, plus the three of the
 * event long-poll, plus one per method of the stack runtime port) and the scope it needs. Stack mutations need
 * {@code stacks:write}; reading a stack ({@code stack_ps}, {@code stack_logs}) needs {@code sessions:read}, like
 * every other read. The wire name is the last path segment of its endpoint.
 */
public enum SidecarOperation {
    INFO("info", Scope.SESSIONS_READ),
    ENSURE_NETWORK("ensure_network", Scope.SESSIONS_WRITE),
    FIND_NETWORKS("find_networks", Scope.SESSIONS_READ),
    REMOVE_NETWORK("remove_network", Scope.SESSIONS_WRITE),
    IMAGE_PRESENT("image_present", Scope.SESSIONS_READ),
    PULL_IMAGE("pull_image", Scope.SESSIONS_WRITE),
    ENSURE_VOLUME("ensure_volume", Scope.SESSIONS_WRITE),
    FIND_VOLUMES("find_volumes", Scope.SESSIONS_READ),
    REMOVE_VOLUME("remove_volume", Scope.SESSIONS_WRITE),
    CREATE_AND_START("create_and_start", Scope.SESSIONS_WRITE),
    INSPECT("inspect", Scope.SESSIONS_READ),
    FIND_CONTAINERS("find_containers", Scope.SESSIONS_READ),
    LIST_CONTAINERS("list_containers", Scope.SESSIONS_READ),
    USAGE("usage", Scope.SESSIONS_READ),
    REMOVE_CONTAINER("remove_container", Scope.SESSIONS_WRITE),
    STOP_CONTAINER("stop_container", Scope.SESSIONS_WRITE),
    START_CONTAINER("start_container", Scope.SESSIONS_WRITE),
    PAUSE_CONTAINER("pause_container", Scope.SESSIONS_WRITE),
    UNPAUSE_CONTAINER("unpause_container", Scope.SESSIONS_WRITE),
    WATCH_OPEN("watch_open", Scope.SESSIONS_READ),
    WATCH_POLL("watch_poll", Scope.SESSIONS_READ),
    WATCH_CLOSE("watch_close", Scope.SESSIONS_READ),
    STACK_UP("stack_up", Scope.STACKS_WRITE),
    STACK_DOWN("stack_down", Scope.STACKS_WRITE),
    STACK_PS("stack_ps", Scope.SESSIONS_READ),
    STACK_LOGS("stack_logs", Scope.SESSIONS_READ),
    STACK_RESTART("stack_restart", Scope.STACKS_WRITE),
    STACK_STOP("stack_stop", Scope.STACKS_WRITE),
    STACK_START("stack_start", Scope.STACKS_WRITE),
    STACK_PULL("stack_pull", Scope.STACKS_WRITE);

    private final String wireName;
    private final Scope scope;

    SidecarOperation(String wireName, Scope scope) {
        this.wireName = wireName;
        this.scope = scope;
    }

    public String wireName() {
        return wireName;
    }

    /** The scope a caller needs for this operation. */
    public Scope scope() {
        return scope;
    }

    public static Optional<SidecarOperation> parse(String wireName) {
        for (SidecarOperation operation : values()) {
            if (operation.wireName.equals(wireName)) {
                return Optional.of(operation);
            }
        }
        return Optional.empty();
    }
}
