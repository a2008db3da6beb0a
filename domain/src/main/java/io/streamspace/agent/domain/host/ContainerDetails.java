package io.streamspace.agent.domain.host;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One container as an inspection shows it.
 *
 * @param environment the container's own {@code KEY=VALUE} environment, as configured (callers redact it before it
 *                    leaves the process: see {@link SecretRedaction})
 * @param health      {@code healthy}, {@code unhealthy}, {@code starting}, or null without a healthcheck
 * @param ports       container port ({@code 80/tcp}) to where it is published ({@code 127.0.0.1:49153}), or to an
 *                    empty string when it is exposed but not published
 * @param startedAt   null when it never started
 */
public record ContainerDetails(String id, String name, String image, String state, int exitCode, int restartCount,
                               String error, String health, Instant created, Instant startedAt,
                               Map<String, String> labels, List<String> environment, List<String> command,
                               Map<String, String> ports, List<String> networks, List<String> mounts) {
    public ContainerDetails {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        environment = environment == null ? List.of() : List.copyOf(environment);
        command = command == null ? List.of() : List.copyOf(command);
        ports = ports == null ? Map.of() : Map.copyOf(ports);
        networks = networks == null ? List.of() : List.copyOf(networks);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }

    public ContainerDetails withEnvironment(List<String> replaced) {
        return new ContainerDetails(id, name, image, state, exitCode, restartCount, error, health, created, startedAt,
                labels, replaced, command, ports, networks, mounts);
    }

    public boolean running() {
        return "running".equals(state);
    }
}
