package io.streamspace.agent.application.service.session;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How session containers are made.
 *
 * @param agentId           this agent's id; goes into the owner label {@code streamspace.agent.id}
 * @param network           Docker network sessions join ({@code --network}, default {@code streamspace})
 * @param volumeDriver      driver for session volumes (default {@code local})
 * @param hostAddress       address template ports are published on (default {@code 127.0.0.1})
 * @param homeMountPath     where the persistent home volume is mounted (default {@code /config})
 * @param hibernateMode     stop (default) or pause
 * @param maxParallelStarts how many starts may run at once (default 4)
 * @param pidsLimit         PIDs limit of each container (default 512, 0 = none)
 * @param startTimeout      how long a new or woken container may take to reach {@code running} (default 2 min)
 * @param stopGrace         SIGTERM → SIGKILL grace when hibernating (default 10 s)
 * @param pollInterval      how often a starting container is inspected (default 250 ms)
 */
public record SessionSettings(String agentId, String network, String volumeDriver, String hostAddress,
                              String homeMountPath, HibernateMode hibernateMode, int maxParallelStarts,
                              long pidsLimit, Duration startTimeout, Duration stopGrace, Duration pollInterval) {

    public SessionSettings {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(volumeDriver, "volumeDriver");
        Objects.requireNonNull(hostAddress, "hostAddress");
        Objects.requireNonNull(hibernateMode, "hibernateMode");
        if (homeMountPath == null || !homeMountPath.startsWith("/")) {
            throw new IllegalArgumentException("home mount path must be absolute, got " + homeMountPath);
        }
        if (maxParallelStarts <= 0) {
            throw new IllegalArgumentException("max parallel starts must be positive, got " + maxParallelStarts);
        }
        if (pidsLimit < 0) {
            throw new IllegalArgumentException("pids limit must not be negative");
        }
        if (startTimeout.isNegative() || startTimeout.isZero() || pollInterval.isNegative() || pollInterval.isZero()
                || stopGrace.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** The defaults of the issue, for this agent. */
    public static SessionSettings defaults(String agentId) {
        return new SessionSettings(agentId, "streamspace", "local", "127.0.0.1", "/config", HibernateMode.STOP, 4,
                512, Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ofMillis(250));
    }

    public SessionSettings withHibernateMode(HibernateMode mode) {
        return new SessionSettings(agentId, network, volumeDriver, hostAddress, homeMountPath, mode,
                maxParallelStarts, pidsLimit, startTimeout, stopGrace, pollInterval);
    }

    public SessionSettings withTimeouts(Duration start, Duration poll) {
        return new SessionSettings(agentId, network, volumeDriver, hostAddress, homeMountPath, hibernateMode,
                maxParallelStarts, pidsLimit, start, stopGrace, poll);
    }

    /** The labels every object this agent creates carries, and every mutating call is scoped by. */
    public Map<String, String> ownerLabels() {
        return Map.of(SessionLabels.AGENT_ID, agentId, SessionLabels.MANAGED, "true");
    }

    /** Owner labels plus the session id: finds one session's container and volumes. */
    public Map<String, String> sessionSelector(String sessionId) {
        Map<String, String> labels = new LinkedHashMap<>(ownerLabels());
        labels.put(SessionLabels.SESSION_ID, sessionId);
        return Map.copyOf(labels);
    }

    public static String containerName(String sessionId) {
        return "streamspace-" + sessionId;
    }

    public static String homeVolumeName(String sessionId) {
        return "streamspace-" + sessionId + "-home";
    }

    public static String mountVolumeName(String sessionId, String mountName) {
        return "streamspace-" + sessionId + "-" + mountName;
    }
}
