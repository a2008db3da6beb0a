package io.streamspace.agent.domain.sidecar;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a caller of the sidecar's local API may do; granted per agent id. */
public enum Scope {
    /** Inspect, list, watch: nothing changes. */
    SESSIONS_READ("sessions:read"),
    /** Containers, networks, volumes and images of sessions. */
    SESSIONS_WRITE("sessions:write"),
    /** Compose stacks: up, down, restart, stop, start, pull (reading them needs {@link #SESSIONS_READ}). */
    STACKS_WRITE("stacks:write");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Set<Scope> all() {
        return EnumSet.allOf(Scope.class);
    }

    /** The scope named {@code sessions:read}, {@code sessions:write} or {@code stacks:write}, or empty. */
    public static Optional<Scope> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String lower = text.strip().toLowerCase(Locale.ROOT);
        for (Scope scope : values()) {
            if (scope.wireName.equals(lower)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
