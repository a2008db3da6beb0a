package io.streamspace.agent.domain.compose;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Map;

/**
 * One service of the supported subset. Maps are sorted and lists keep their file order, so {@link #toString()} is a
 * stable normal form (the {@link ConfigHash} is computed from it). Absent optional values are null or empty.
 *
 * @param command     null when the image's default applies; the exec form (a shell string is split like Compose)
 * @param entrypoint  null when the image's default applies
 * @param environment {@code env_file} contents merged under {@code environment}
 * @param memoryLimit bytes ({@code mem_limit} or {@code deploy.resources.limits.memory}), null for no limit
 * @param nanoCpus    CPUs in billionths ({@code cpus} or {@code deploy.resources.limits.cpus}), null for no limit
 */
public record ServiceSpec(
        String key, String image, List<String> command, List<String> entrypoint,
        Map<String, String> environment, List<Port> ports, List<Mount> volumes,
        Map<String, List<String>> networks, Map<String, Condition> dependsOn, String restart,
        Map<String, String> labels, Healthcheck healthcheck, Long memoryLimit, Long nanoCpus, String user,
        String workingDir, String containerName, String hostname, List<String> capAdd, List<String> capDrop,
        boolean readOnly, List<String> securityOpt, List<String> profiles) {

    public ServiceSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(image, "image");
        command = command == null ? null : List.copyOf(command);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        environment = ComposeModel.sorted(environment);
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
        networks = ComposeModel.sorted(networks);
        dependsOn = ComposeModel.sorted(dependsOn);
        labels = ComposeModel.sorted(labels);
        capAdd = List.copyOf(capAdd);
        capDrop = List.copyOf(capDrop);
        securityOpt = List.copyOf(securityOpt);
        profiles = List.copyOf(profiles);
    }

    /** This service with {@code extra} labels added (they win over the file's labels of the same name). */
    public ServiceSpec withLabels(Map<String, String> extra) {
        Map<String, String> merged = new java.util.TreeMap<>(labels);
        merged.putAll(extra);
        return new ServiceSpec(key, image, command, entrypoint, environment, ports, volumes, networks, dependsOn,
                restart, merged, healthcheck, memoryLimit, nanoCpus, user, workingDir, containerName, hostname, capAdd,
                capDrop, readOnly, securityOpt, profiles);
    }

    /** {@code depends_on} conditions. */
    public enum Condition {
        SERVICE_STARTED, SERVICE_HEALTHY, SERVICE_COMPLETED_SUCCESSFULLY;

        public String composeName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A published port. {@code hostPort} null means an ephemeral port chosen by the engine; {@code hostIp} null means
     * all interfaces (as in Compose; tests always give 127.0.0.1).
     */
    public record Port(String hostIp, Integer hostPort, int containerPort, String protocol) {}

    /** A mount: {@code type} is {@code volume} (source = a top-level volume key, null for anonymous) or {@code bind}. */
    public record Mount(String type, String source, String target, boolean readOnly) {}

    /**
     * {@code healthcheck}: {@code test} in the engine's form ({@code ["CMD", ...]}, {@code ["CMD-SHELL", "..."]} or
     * {@code ["NONE"]} for {@code disable: true}); durations null when not given.
     */
    public record Healthcheck(List<String> test, Duration interval, Duration timeout, Integer retries,
                              Duration startPeriod) {
        public Healthcheck {
            test = List.copyOf(test);
        }

        public boolean disabled() {
            return test.size() == 1 && "NONE".equals(test.get(0));
        }
    }
}
