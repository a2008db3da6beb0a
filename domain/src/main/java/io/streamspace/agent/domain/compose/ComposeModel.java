package io.streamspace.agent.domain.compose;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Compose project as this engine runs it: the services (in file order), the top-level networks and volumes. Built
 * by {@link ComposeParser} from a parsed file; every name used by a service refers to a declared network or volume
 * (the implicit {@code default} network included).
 *
 * @param name the top-level {@code name}, or null when the file has none (the caller's project name applies)
 */
public record ComposeModel(String name, Map<String, ServiceSpec> services, Map<String, NetworkSpec> networks,
                           Map<String, VolumeSpec> volumes) {

    public ComposeModel {
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        networks = Collections.unmodifiableMap(new LinkedHashMap<>(networks));
        volumes = Collections.unmodifiableMap(new LinkedHashMap<>(volumes));
    }

    /** A top-level network. {@code name} is the engine name ({@code {project}_{key}} unless set or external). */
    public record NetworkSpec(String key, boolean external, String name, String driver, Map<String, String> labels) {
        public NetworkSpec {
            Objects.requireNonNull(key, "key");
            labels = sorted(labels);
        }

        public String engineName(String project) {
            return name != null ? name : external ? key : project + "_" + key;
        }
    }

    /** A top-level named volume; engine name as for {@link NetworkSpec}. */
    public record VolumeSpec(String key, boolean external, String name, String driver, Map<String, String> labels) {
        public VolumeSpec {
            Objects.requireNonNull(key, "key");
            labels = sorted(labels);
        }

        public String engineName(String project) {
            return name != null ? name : external ? key : project + "_" + key;
        }
    }

    /** The services to start, dependencies first (see {@link DependencyOrder}). */
    public List<String> startOrder() {
        return DependencyOrder.of(services);
    }

    /**
     * The model with only the services enabled by these profiles: services without {@code profiles} are always
     * enabled. A dependency on a disabled service is refused, as Compose does.
     */
    public ComposeModel withProfiles(Set<String> activeProfiles) {
        Map<String, ServiceSpec> enabled = new LinkedHashMap<>();
        services.forEach((key, service) -> {
            if (service.profiles().isEmpty() || service.profiles().stream().anyMatch(activeProfiles::contains)) {
                enabled.put(key, service);
            }
        });
        enabled.forEach((key, service) -> service.dependsOn().keySet().forEach(dep -> {
            if (!enabled.containsKey(dep)) {
                throw new ComposeFileException("services." + key + ".depends_on." + dep,
                        "service " + dep + " is not enabled by the active profiles " + activeProfiles);
            }
        }));
        return new ComposeModel(name, enabled, networks, volumes);
    }

    /** The model with {@code labels} added to every service (an owner's labels, say). */
    public ComposeModel withServiceLabels(Map<String, String> labels) {
        Map<String, ServiceSpec> labelled = new LinkedHashMap<>();
        services.forEach((key, service) -> labelled.put(key, service.withLabels(labels)));
        return new ComposeModel(name, labelled, networks, volumes);
    }

    static <V> SortedMap<String, V> sorted(Map<String, V> map) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(map == null ? Map.of() : map));
    }
}
