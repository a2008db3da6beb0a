package io.streamspace.agent.domain.host;

import java.time.Instant;
import java.util.Map;

/**
 * One container as a listing shows it.
 *
 * @param state   the engine's state: created, running, paused, restarting, exited, dead
 * @param status  the engine's human status ({@code Up 3 minutes}, {@code Exited (0) 2 hours ago})
 * @param created when it was created; null when the engine did not say
 */
public record ContainerSummary(String id, String name, String image, String state, String status,
                               Map<String, String> labels, Instant created) {
    public ContainerSummary {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
