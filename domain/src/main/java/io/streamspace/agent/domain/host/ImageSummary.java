package io.streamspace.agent.domain.host;

import java.time.Instant;
import java.util.List;

/** One local image: its id, its {@code repository:tag} names (none for a dangling one), size and age. */
public record ImageSummary(String id, List<String> tags, long sizeBytes, Instant created) {
    public ImageSummary {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
