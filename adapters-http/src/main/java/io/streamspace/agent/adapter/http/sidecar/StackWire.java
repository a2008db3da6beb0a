package io.streamspace.agent.adapter.http.sidecar;

import io.streamspace.agent.application.port.out.StackRuntime.ProjectContext;
import io.streamspace.agent.domain.compose.ComposeModel;
import io.streamspace.agent.domain.compose.ServiceSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link ComposeModel} and a {@link ProjectContext} on the sidecar's local API: plain records
 * (durations in milliseconds, enums by name, absent collections as empty ones) mapped explicitly to and from the
 * domain, so the wire does not depend on how the domain records happen to look to Jackson. The YAML is parsed on the
 * agent's side; the sidecar receives the parsed model.
 */
final class StackWire {

    private StackWire() {
    }

    record Model(String name, Map<String, Service> services, Map<String, Network> networks,
                 Map<String, Volume> volumes) {}

    record Network(String key, boolean external, String name, String driver, Map<String, String> labels) {}

    record Volume(String key, boolean external, String name, String driver, Map<String, String> labels) {}

    record Port(String hostIp, Integer hostPort, int containerPort, String protocol) {}

    record Mount(String type, String source, String target, boolean readOnly) {}

    record Healthcheck(List<String> test, Long intervalMillis, Long timeoutMillis, Integer retries,
                       Long startPeriodMillis) {}

    record Service(String key, String image, List<String> command, List<String> entrypoint,
                   Map<String, String> environment, List<Port> ports, List<Mount> volumes,
                   Map<String, List<String>> networks, Map<String, String> dependsOn, String restart,
                   Map<String, String> labels, Healthcheck healthcheck, Long memoryLimit, Long nanoCpus,
                   String user, String workingDir, String containerName, String hostname, List<String> capAdd,
                   List<String> capDrop, boolean readOnly, List<String> securityOpt, List<String> profiles) {}

    record Context(String project, String workingDir, List<String> configFiles) {}

    // --- to the wire ------------------------------------------------------------------------------------------

    static Model of(ComposeModel model) {
        Map<String, Service> services = new LinkedHashMap<>();
        model.services().forEach((key, s) -> services.put(key, of(s)));
        Map<String, Network> networks = new LinkedHashMap<>();
        model.networks().forEach((key, n) -> networks.put(key,
                new Network(n.key(), n.external(), n.name(), n.driver(), n.labels())));
        Map<String, Volume> volumes = new LinkedHashMap<>();
        model.volumes().forEach((key, v) -> volumes.put(key,
                new Volume(v.key(), v.external(), v.name(), v.driver(), v.labels())));
        return new Model(model.name(), services, networks, volumes);
    }

    static Context of(ProjectContext context) {
        return new Context(context.project(), context.workingDir(), context.configFiles());
    }

    private static Service of(ServiceSpec s) {
        Map<String, String> dependsOn = new LinkedHashMap<>();
        s.dependsOn().forEach((key, condition) -> dependsOn.put(key, condition.name()));
        ServiceSpec.Healthcheck h = s.healthcheck();
        return new Service(s.key(), s.image(), s.command(), s.entrypoint(), s.environment(),
                s.ports().stream().map(p -> new Port(p.hostIp(), p.hostPort(), p.containerPort(), p.protocol())).toList(),
                s.volumes().stream().map(m -> new Mount(m.type(), m.source(), m.target(), m.readOnly())).toList(),
                s.networks(), dependsOn, s.restart(), s.labels(),
                h == null ? null : new Healthcheck(h.test(), millis(h.interval()), millis(h.timeout()), h.retries(),
                        millis(h.startPeriod())),
                s.memoryLimit(), s.nanoCpus(), s.user(), s.workingDir(), s.containerName(), s.hostname(),
                s.capAdd(), s.capDrop(), s.readOnly(), s.securityOpt(), s.profiles());
    }

    // --- from the wire ----------------------------------------------------------------------------------------

    /** @throws IllegalArgumentException when the model is incomplete (the sidecar answers 400) */
    static ComposeModel toDomain(Model model) {
        if (model == null) {
            throw new IllegalArgumentException("missing argument: model");
        }
        Map<String, ServiceSpec> services = new LinkedHashMap<>();
        orEmpty(model.services()).forEach((key, s) -> services.put(key, toDomain(key, s)));
        Map<String, ComposeModel.NetworkSpec> networks = new LinkedHashMap<>();
        orEmpty(model.networks()).forEach((key, n) -> networks.put(key, new ComposeModel.NetworkSpec(
                n.key() == null ? key : n.key(), n.external(), n.name(), n.driver(), n.labels())));
        Map<String, ComposeModel.VolumeSpec> volumes = new LinkedHashMap<>();
        orEmpty(model.volumes()).forEach((key, v) -> volumes.put(key, new ComposeModel.VolumeSpec(
                v.key() == null ? key : v.key(), v.external(), v.name(), v.driver(), v.labels())));
        return new ComposeModel(model.name(), services, networks, volumes);
    }

    /** @throws IllegalArgumentException when the context has no project */
    static ProjectContext toDomain(Context context) {
        if (context == null || context.project() == null || context.project().isBlank()) {
            throw new IllegalArgumentException("missing argument: context.project");
        }
        return new ProjectContext(context.project(), context.workingDir(), context.configFiles());
    }

    private static ServiceSpec toDomain(String key, Service s) {
        if (s == null || s.image() == null) {
            throw new IllegalArgumentException("service " + key + " has no image");
        }
        Map<String, ServiceSpec.Condition> dependsOn = new LinkedHashMap<>();
        orEmpty(s.dependsOn()).forEach((dep, condition) -> dependsOn.put(dep, condition == null
                ? ServiceSpec.Condition.SERVICE_STARTED : ServiceSpec.Condition.valueOf(condition)));
        Healthcheck h = s.healthcheck();
        return new ServiceSpec(s.key() == null ? key : s.key(), s.image(), s.command(), s.entrypoint(),
                s.environment(),
                orEmpty(s.ports()).stream().map(p -> new ServiceSpec.Port(p.hostIp(), p.hostPort(), p.containerPort(),
                        p.protocol())).toList(),
                orEmpty(s.volumes()).stream().map(m -> new ServiceSpec.Mount(m.type(), m.source(), m.target(),
                        m.readOnly())).toList(),
                s.networks(), dependsOn, s.restart(), s.labels(),
                h == null ? null : new ServiceSpec.Healthcheck(orEmpty(h.test()), duration(h.intervalMillis()),
                        duration(h.timeoutMillis()), h.retries(), duration(h.startPeriodMillis())),
                s.memoryLimit(), s.nanoCpus(), s.user(), s.workingDir(), s.containerName(), s.hostname(),
                orEmpty(s.capAdd()), orEmpty(s.capDrop()), s.readOnly(), orEmpty(s.securityOpt()),
                orEmpty(s.profiles()));
    }

    private static Long millis(Duration duration) {
        return duration == null ? null : duration.toMillis();
    }

    private static Duration duration(Long millis) {
        return millis == null ? null : Duration.ofMillis(millis);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
