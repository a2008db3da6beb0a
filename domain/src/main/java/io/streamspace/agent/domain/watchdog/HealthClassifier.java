package io.streamspace.agent.domain.watchdog;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies one inspection of the supervised container:
 * <ul>
 *   <li>missing: {@link HealthState.NotFound};</li>
 *   <li>running: {@code unhealthy} health → {@link HealthState.Unhealthy}, {@code starting} →
 *       {@link HealthState.Starting}, paused → {@link HealthState.Unhealthy}, otherwise (healthy, or no
 *       HEALTHCHECK) → {@link HealthState.Healthy};</li>
 *   <li>not running: a glibc symbol-version error in {@code State.Error} or in the last log lines →
 *       {@link HealthState.GlibcMismatch}; otherwise {@link HealthState.Unhealthy} ("exited with code N").
 *       Upstream only looked at {@code State.Error}, which stays empty when the process itself fails at start
 *       (the dynamic loader prints to stderr and exits 1): the logs are what shows it.</li>
 * </ul>
 */
public final class HealthClassifier {

    /** The dynamic loader's message: {@code version `GLIBC_2.39' not found}, also for {@code GLIBC_PRIVATE}. */
    private static final Pattern GLIBC = Pattern.compile("version [`'‘]?(GLIBC_[A-Z0-9_.]+)['’`]? not found");

    private HealthClassifier() {}

    /** Whether {@link #classify} needs the container's last log lines for this snapshot (only when not running). */
    public static boolean needsLogs(Optional<ContainerSnapshot> snapshot) {
        return snapshot.isPresent() && !snapshot.get().running();
    }

    /**
     * @param snapshot     the inspection, empty when no container has the target's name
     * @param lastLogLines the last lines of its output (stdout and stderr), oldest first; may be empty
     */
    public static HealthState classify(Optional<ContainerSnapshot> snapshot, List<String> lastLogLines) {
        if (snapshot.isEmpty()) {
            return HealthState.NOT_FOUND;
        }
        ContainerSnapshot c = snapshot.get();
        if (c.running()) {
            if ("paused".equals(c.status())) {
                return new HealthState.Unhealthy("paused");
            }
            return switch (c.health()) {
                case UNHEALTHY -> new HealthState.Unhealthy("health check reports unhealthy"
                        + (c.healthOutput().isBlank() ? "" : ": " + oneLine(c.healthOutput())));
                case STARTING -> HealthState.STARTING;
                case HEALTHY, NONE -> HealthState.HEALTHY;
            };
        }
        Optional<String> fromError = glibcLine(List.of(c.error().split("\\R")));
        if (fromError.isPresent()) {
            return new HealthState.GlibcMismatch(fromError.get() + " (State.Error)");
        }
        Optional<String> fromLogs = glibcLine(lastLogLines);
        if (fromLogs.isPresent()) {
            return new HealthState.GlibcMismatch(fromLogs.get() + " (container log)");
        }
        String state = c.status().equals("exited") || c.status().equals("restarting")
                ? "exited with code " + c.exitCode()
                : c.status() + " (exit code " + c.exitCode() + ")";
        return new HealthState.Unhealthy(c.error().isBlank() ? state : state + ": " + oneLine(c.error()));
    }

    /** The last line carrying a glibc symbol-version error, stripped. */
    static Optional<String> glibcLine(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (line == null) {
                continue;
            }
            Matcher m = GLIBC.matcher(line);
            if (m.find()) {
                return Optional.of(oneLine(line));
            }
        }
        return Optional.empty();
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s*\\R\\s*", " | ");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
