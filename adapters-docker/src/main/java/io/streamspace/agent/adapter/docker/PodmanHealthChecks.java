package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a container's health check on Podman, where nothing else would. Podman schedules health checks with
 * systemd timers; without systemd (a container, a minimal host) a check never runs and the health stays
 * {@code starting} for ever. Docker runs them in the daemon. So on Podman, whoever waits for a health state
 * (compose {@code service_healthy}, the sidecar watchdog) asks Podman to run the check once through its native
 * endpoint ({@code GET /libpod/containers/{id}/healthcheck}), at most once per the container's check interval.
 * On Docker this does nothing.
 */
public final class PodmanHealthChecks {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");
    /** Podman's native API; every Podman 4 and 5 serves this version prefix. */
    private static final String LIBPOD_PREFIX = "/v4.0.0/libpod";
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30); // Docker's default too

    private final DockerClients clients;
    private final Map<String, Long> lastRunNanos = new ConcurrentHashMap<>();

    public PodmanHealthChecks(DockerClients clients) {
        this.clients = clients;
    }

    /**
     * On Podman, runs the health check of this running container when it has one and its interval has passed since
     * this object last ran it. Failures are logged and otherwise ignored: the caller reads the health as before.
     *
     * @return whether a check ran (inspect again to see its result)
     */
    public boolean runIfDue(InspectContainerResponse container) {
        if (container == null || container.getId() == null) {
            return false;
        }
        if (container.getState() == null || !Boolean.TRUE.equals(container.getState().getRunning())) {
            lastRunNanos.remove(container.getId());
            return false;
        }
        HealthCheck check = container.getConfig() == null ? null : container.getConfig().getHealthcheck();
        if (check == null || check.getTest() == null || check.getTest().isEmpty()
                || "NONE".equals(check.getTest().get(0))) {
            return false;
        }
        try {
            if (clients.engine() != ContainerEngine.PODMAN) {
                return false;
            }
        } catch (RuntimeException unreachable) {
            return false; // the caller's own request reports it
        }
        long interval = check.getInterval() == null || check.getInterval() <= 0
                ? DEFAULT_INTERVAL.toNanos() : check.getInterval();
        long now = System.nanoTime();
        Long last = lastRunNanos.get(container.getId());
        if (last != null && now - last < interval) {
            return false;
        }
        lastRunNanos.put(container.getId(), now);
        run(container.getId());
        return true;
    }

    private void run(String id) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path(LIBPOD_PREFIX + "/containers/" + id + "/healthcheck")
                .build();
        try (DockerHttpClient.Response response = clients.requestTransport().execute(request);
             InputStream body = response.getBody()) {
            body.readAllBytes(); // the result lands in the container's State.Health, which the caller reads
            if (response.getStatusCode() / 100 != 2) {
                LOG.debug("Podman health check of {} answered HTTP {}", DockerAccess.shortId(id),
                        response.getStatusCode());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Podman health check of {} failed: {}", DockerAccess.shortId(id), e.toString());
        }
    }
}
