package io.streamspace.agent.application.service.panel;

import io.streamspace.agent.application.port.in.SuperviseSidecar.Status;
import io.streamspace.agent.application.service.watchdog.WatchdogListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The watchdog's actions (restarts, giving up, resets) as {@code watchdog} events; routine checks are not events. */
public final class WatchdogEvents implements WatchdogListener {

    private final AgentEventFeed feed;

    public WatchdogEvents(AgentEventFeed feed) {
        this.feed = Objects.requireNonNull(feed);
    }

    @Override
    public void restarted(Status status, int attempt, Optional<String> error) {
        Map<String, Object> details = details("restarted", status);
        details.put("attempt", attempt);
        details.put("error", error.orElse(null));
        feed.publish("watchdog", "restarted " + status.target() + " (attempt " + attempt + " of "
                + status.maxAttempts() + ")" + error.map(e -> ": " + e).orElse(""), details);
    }

    @Override
    public void gaveUp(Status status) {
        feed.publish("watchdog", "gave up on " + status.target() + " after " + status.attempts() + " restarts: "
                + status.summary(), details("gave_up", status));
    }

    @Override
    public void reset(Status status, int clearedAttempts, boolean wasFailed) {
        if (clearedAttempts == 0 && !wasFailed) {
            return;
        }
        Map<String, Object> details = details("reset", status);
        details.put("cleared_attempts", clearedAttempts);
        feed.publish("watchdog", status.target() + " healthy again; " + clearedAttempts + " restart(s) forgotten",
                details);
    }

    private static Map<String, Object> details(String action, Status status) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", action);
        details.put("container", status.target());
        details.put("health", status.summary());
        return details;
    }
}
