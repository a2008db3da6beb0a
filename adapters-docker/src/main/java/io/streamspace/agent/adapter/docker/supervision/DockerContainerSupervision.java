package io.streamspace.agent.adapter.docker.supervision;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.HealthStateLog;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import io.streamspace.agent.adapter.docker.ContainerEngine;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.PodmanHealthChecks;
import io.streamspace.agent.application.port.out.ContainerSupervision;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.domain.watchdog.ContainerSnapshot;
import io.streamspace.agent.domain.watchdog.ContainerSnapshot.Health;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@link ContainerSupervision} on docker-java: the watchdog's view of one container, looked up by its exact name
 * (the engine's own lookup would also accept an ID prefix, and its name filter is an unanchored regular
 * expression, so the filter is anchored and the result compared in Java).
 */
public final class DockerContainerSupervision implements ContainerSupervision {

    /** How long {@code docker restart} lets the process stop before killing it (the CLI's default). */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LOG_READ_TIMEOUT = Duration.ofSeconds(30);

    private final DockerClients clients;
    private final Duration stopTimeout;
    private final PodmanHealthChecks healthChecks;

    /**
     * @param clients     the engine's clients (request client for everything: logs are read without following)
     * @param stopTimeout how long a restart waits for the process to stop before killing it (whole seconds)
     */
    public DockerContainerSupervision(DockerClients clients, Duration stopTimeout) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.stopTimeout = Objects.requireNonNull(stopTimeout, "stopTimeout");
        this.healthChecks = new PodmanHealthChecks(clients);
        if (stopTimeout.isNegative()) {
            throw new IllegalArgumentException("the restart stop timeout must not be negative, got " + stopTimeout);
        }
    }

    public DockerContainerSupervision(DockerClients clients) {
        this(clients, DEFAULT_STOP_TIMEOUT);
    }

    @Override
    public Optional<ContainerSnapshot> inspect(String name) {
        Optional<String> id = findId(name);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        InspectContainerResponse response;
        try {
            response = docker().inspectContainerCmd(id.get()).exec();
            if (healthChecks.runIfDue(response)) {
                response = docker().inspectContainerCmd(id.get()).exec();
            }
        } catch (NotFoundException e) {
            return Optional.empty(); // removed between the lookup and the inspection
        } catch (RuntimeException e) {
            throw translate("inspect container " + name, e);
        }
        return Optional.of(snapshot(response));
    }

    @Override
    public List<String> lastLogLines(String name, int lines) {
        if (lines < 1) {
            throw new IllegalArgumentException("lines must be at least 1, got " + lines);
        }
        Optional<String> id = findId(name);
        if (id.isEmpty()) {
            return List.of();
        }
        LogCollector collector = new LogCollector();
        try {
            docker().logContainerCmd(id.get()).withStdOut(true).withStdErr(true).withTail(lines).exec(collector);
            if (!collector.awaitCompletion(LOG_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RuntimeOperationException("Reading the last " + lines + " log lines of container '" + name
                        + "' from the Docker engine at " + clients.dockerHost() + " took longer than "
                        + LOG_READ_TIMEOUT.toSeconds() + " s");
            }
        } catch (NotFoundException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeOperationException("Interrupted while reading the logs of container '" + name + "'", e);
        } catch (RuntimeException e) {
            throw translate("read the logs of container " + name, e);
        } finally {
            closeQuietly(collector);
        }
        Throwable failure = collector.failure();
        if (failure instanceof NotFoundException) {
            return List.of();
        }
        if (failure instanceof RuntimeException runtime) {
            throw translate("read the logs of container " + name, runtime);
        }
        if (failure != null) {
            throw new RuntimeOperationException("Failed to read the logs of container '" + name + "' from the Docker"
                    + " engine at " + clients.dockerHost() + ": " + failure, failure);
        }
        List<String> all = collector.lines();
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    @Override
    public void restart(String name) {
        String id = findId(name).orElseThrow(() -> new RuntimeOperationException("Cannot restart container '" + name
                + "': the Docker engine at " + clients.dockerHost() + " has no container of that name"));
        call("restart container " + name, () -> docker().restartContainerCmd(id)
                .withTimeout((int) Math.min(Integer.MAX_VALUE, stopTimeout.toSeconds())).exec());
    }

    // ---------------------------------------------------------------------------------------------------------

    private Optional<String> findId(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("container name must not be blank");
        }
        String pattern = ContainerEngine.exactNameFilter(name);
        List<Container> listed = call("look up container " + name,
                () -> docker().listContainersCmd().withShowAll(true).withNameFilter(List.of(pattern)).exec());
        return listed.stream()
                .filter(c -> c.getNames() != null && Arrays.asList(c.getNames()).contains("/" + name))
                .map(Container::getId)
                .findFirst();
    }

    static ContainerSnapshot snapshot(InspectContainerResponse response) {
        InspectContainerResponse.ContainerState state = response.getState();
        if (state == null) {
            return new ContainerSnapshot(response.getId(), "unknown", false, Health.NONE, "", 0, "");
        }
        String status = ContainerEngine.dockerStatus(state.getStatus(),
                response.getHostConfig() == null || response.getHostConfig().getRestartPolicy() == null ? null
                        : response.getHostConfig().getRestartPolicy().getName(),
                state.getExitCodeLong() == null ? 0 : state.getExitCodeLong().intValue());
        boolean running = Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getRestarting());
        Health health = Health.NONE;
        String output = "";
        HealthState h = state.getHealth();
        if (h != null && h.getStatus() != null) {
            health = switch (h.getStatus().toLowerCase(Locale.ROOT)) {
                case "healthy" -> Health.HEALTHY;
                case "unhealthy" -> Health.UNHEALTHY;
                case "starting" -> Health.STARTING;
                default -> Health.NONE; // "none": no HEALTHCHECK
            };
            List<HealthStateLog> log = h.getLog();
            if (log != null && !log.isEmpty()) {
                HealthStateLog last = log.get(log.size() - 1);
                output = last.getOutput() == null ? "" : last.getOutput();
            }
        }
        int exitCode = state.getExitCodeLong() == null ? 0 : state.getExitCodeLong().intValue();
        return new ContainerSnapshot(response.getId(), status, running, health, output, exitCode, state.getError());
    }

    private <T> T call(String action, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw translate(action, e);
        }
    }

    private void call(String action, Runnable request) {
        call(action, () -> {
            request.run();
            return null;
        });
    }

    /** The engine's own message for refusals; "Cannot reach" for transport failures. */
    private RuntimeOperationException translate(String action, RuntimeException failure) {
        if (failure instanceof RuntimeOperationException already) {
            return already;
        }
        if (failure instanceof DockerException engine) {
            String message = String.valueOf(engine.getMessage()).replaceFirst("^Status \\d+:\\s*", "").strip();
            return new RuntimeOperationException("Docker engine at " + clients.dockerHost() + " refused to " + action
                    + ": " + message + " (HTTP " + engine.getHttpStatus() + ")", failure);
        }
        Throwable root = failure;
        boolean io = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            io |= t instanceof IOException;
            root = t;
        }
        String what = root.getMessage() == null || root.getMessage().isBlank()
                ? root.getClass().getSimpleName() : root.getMessage().strip();
        return new RuntimeOperationException(io
                ? "Cannot reach the Docker engine at " + clients.dockerHost() + ": " + what
                : "Failed to " + action + " on the Docker engine at " + clients.dockerHost() + ": " + what, failure);
    }

    private static void closeQuietly(LogCollector collector) {
        try {
            collector.close();
        } catch (IOException | RuntimeException ignored) {
            // the response is complete or abandoned either way
        }
    }

    /** Gathers the log frames of both streams, in the order the engine sends them. */
    private static final class LogCollector extends ResultCallback.Adapter<Frame> {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile Throwable failure;

        @Override
        public void onNext(Frame frame) {
            byte[] payload = frame.getPayload();
            if (payload != null) {
                synchronized (bytes) {
                    bytes.writeBytes(payload);
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            failure = throwable;
            super.onError(throwable);
        }

        Throwable failure() {
            return failure;
        }

        List<String> lines() {
            String text;
            synchronized (bytes) {
                text = bytes.toString(StandardCharsets.UTF_8);
            }
            if (text.isEmpty()) {
                return List.of();
            }
            return List.of(text.split("\\R"));
        }
    }

    /** Asked at each call: the client is built on first use (DockerClients), not with this object. */
    private DockerClient docker() {
        return clients.requests();
    }
}
