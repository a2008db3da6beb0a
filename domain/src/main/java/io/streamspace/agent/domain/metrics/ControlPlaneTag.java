package io.streamspace.agent.domain.metrics;

import java.util.Locale;
import java.util.Optional;

/**
 * The plane a process belongs to; every command it executes is tagged with it ({@code CONTROL_PLANE} /
 * {@code "control_plane"}). The wire names are the seed's and appear in the status API and in metric labels.
 */
public enum ControlPlaneTag {
    STATUS_PANEL("status_panel"),
    COMPOSE_AGENT("compose_agent");

    private final String wireName;

    ControlPlaneTag(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The tag for {@code status_panel} or {@code compose_agent} (case-insensitive), or empty. */
    public static Optional<ControlPlaneTag> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String lower = text.strip().toLowerCase(Locale.ROOT);
        for (ControlPlaneTag tag : values()) {
            if (tag.wireName.equals(lower)) {
                return Optional.of(tag);
            }
        }
        return Optional.empty();
    }
}
