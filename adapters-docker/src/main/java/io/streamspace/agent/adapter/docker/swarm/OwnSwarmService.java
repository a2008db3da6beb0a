package io.streamspace.agent.adapter.docker.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The swarm service this process runs in, if it runs in a task container: the {@code com.docker.swarm.service.name}
 * label of our own container. Our container id comes from {@code /proc/self/mountinfo} (Docker bind-mounts
 * {@code /var/lib/docker/containers/<id>/hostname}, {@code resolv.conf} and {@code hosts} into every container, with
 * cgroup v1 and v2 alike), then {@code /proc/self/cgroup} (cgroup v1), then the host name (a container's default host
 * name is its short id).
 */
final class OwnSwarmService {

    static final String SERVICE_NAME_LABEL = "com.docker.swarm.service.name";

    private static final Pattern CONTAINER_PATH = Pattern.compile("/containers/([0-9a-f]{64})/");
    private static final Pattern CGROUP_ID = Pattern.compile("([0-9a-f]{64})");

    private OwnSwarmService() {
    }

    /** The service of the first candidate that is a container of a swarm task on this engine. */
    static Optional<String> find(DockerClient docker, List<String> candidateContainerIds) {
        for (String id : candidateContainerIds) {
            InspectContainerResponse container;
            try {
                container = docker.inspectContainerCmd(id).exec();
            } catch (NotFoundException e) {
                continue;
            }
            Map<String, String> labels = container.getConfig() == null ? null : container.getConfig().getLabels();
            String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            if (service != null && !service.isBlank()) {
                return Optional.of(service);
            }
        }
        return Optional.empty();
    }

    /** Ids this process's container may have, most reliable first; empty outside a container. */
    static List<String> candidateContainerIds() {
        Set<String> ids = new LinkedHashSet<>();
        collect(Path.of("/proc/self/mountinfo"), CONTAINER_PATH, ids);
        collect(Path.of("/proc/self/cgroup"), CGROUP_ID, ids);
        String host = System.getenv("HOSTNAME");
        if (host != null && host.matches("[0-9a-f]{12}")) {
            ids.add(host);
        }
        return List.copyOf(ids);
    }

    private static void collect(Path file, Pattern pattern, Set<String> into) {
        try {
            for (String line : Files.readAllLines(file)) {
                Matcher matcher = pattern.matcher(line);
                while (matcher.find()) {
                    into.add(matcher.group(1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: no candidates from this file
        }
    }
}
