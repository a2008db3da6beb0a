package io.streamspace.agent.adapter.docker.compose;

import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.CONFIG_FILES;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.CONFIG_HASH;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.DEPENDS_ON;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.NUMBER;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.ONEOFF;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.PROJECT;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.SERVICE;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.VERSION;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.VERSION_VALUE;
import static io.streamspace.agent.adapter.docker.compose.ComposeLabels.WORKING_DIR;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime.ProjectContext;
import io.streamspace.agent.domain.compose.ComposeModel;
import io.streamspace.agent.domain.compose.ServiceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a Compose service becomes its container, as Compose names, labels and configures it: the create command
 * (labels, ports, mounts, limits, healthcheck, the first network) and the networks connected after the create.
 */
final class ServiceContainers {

    private ServiceContainers() {
    }

    /** {@code container_name}, else Compose's {@code {project}-{service}-1}. */
    static String name(String project, ServiceSpec s) {
        return s.containerName() != null ? s.containerName() : project + "-" + s.key() + "-1";
    }

    /** The networks after the first (which the create names): each is connected once the container exists. */
    static List<String> laterNetworks(ServiceSpec s) {
        List<String> keys = new ArrayList<>(s.networks().keySet());
        return keys.subList(1, keys.size());
    }

    /** The create command of the service's container {@code name}, on its first network; not executed. */
    static CreateContainerCmd createCommand(DockerClient docker, String project, ComposeModel model, ServiceSpec s,
                                            String hash, ProjectContext context, String name) {
        Map<String, String> labels = new HashMap<>(s.labels());
        labels.put(PROJECT, project);
        labels.put(SERVICE, s.key());
        labels.put(NUMBER, "1");
        labels.put(ONEOFF, "False");
        labels.put(CONFIG_HASH, hash);
        labels.put(VERSION, VERSION_VALUE);
        if (!s.dependsOn().isEmpty()) {
            labels.put(DEPENDS_ON, ServiceWaves.dependsOnLabel(s.dependsOn()));
        }
        if (context.workingDir() != null) {
            labels.put(WORKING_DIR, context.workingDir());
        }
        if (!context.configFiles().isEmpty()) {
            labels.put(CONFIG_FILES, String.join(",", context.configFiles()));
        }
        List<String> networkKeys = new ArrayList<>(s.networks().keySet());
        String firstNetwork = model.networks().get(networkKeys.get(0)).engineName(project);

        HostConfig host = HostConfig.newHostConfig().withNetworkMode(firstNetwork);
        Ports bindings = new Ports();
        List<ExposedPort> exposed = new ArrayList<>();
        for (ServiceSpec.Port p : s.ports()) {
            ExposedPort port = new ExposedPort(p.containerPort(), InternetProtocol.parse(p.protocol()));
            exposed.add(port);
            bindings.bind(port, new Ports.Binding(p.hostIp(), p.hostPort() == null ? null : String.valueOf(p.hostPort())));
        }
        host.withPortBindings(bindings);
        List<Mount> mounts = new ArrayList<>();
        for (ServiceSpec.Mount m : s.volumes()) {
            Mount mount = new Mount().withTarget(m.target()).withReadOnly(m.readOnly());
            if ("bind".equals(m.type())) {
                mount.withType(MountType.BIND).withSource(bindSource(m.source(), context, s.key()));
            } else {
                mount.withType(MountType.VOLUME);
                if (m.source() != null) {
                    mount.withSource(model.volumes().get(m.source()).engineName(project));
                }
            }
            mounts.add(mount);
        }
        host.withMounts(mounts);
        if (s.restart() != null) {
            host.withRestartPolicy(RestartPolicy.parse(s.restart()));
        }
        if (s.memoryLimit() != null) {
            host.withMemory(s.memoryLimit());
        }
        if (s.nanoCpus() != null) {
            host.withNanoCPUs(s.nanoCpus());
        }
        if (!s.capAdd().isEmpty()) {
            host.withCapAdd(capabilities(s.capAdd(), s.key() + ".cap_add"));
        }
        if (!s.capDrop().isEmpty()) {
            host.withCapDrop(capabilities(s.capDrop(), s.key() + ".cap_drop"));
        }
        if (s.readOnly()) {
            host.withReadonlyRootfs(true);
        }
        if (!s.securityOpt().isEmpty()) {
            host.withSecurityOpts(s.securityOpt());
        }
        List<String> env = s.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        CreateContainerCmd cmd = docker.createContainerCmd(s.image()).withName(name).withLabels(labels).withEnv(env)
                .withExposedPorts(exposed).withHostConfig(host)
                .withAliases(aliases(s, networkKeys.get(0)));
        if (s.command() != null) {
            cmd.withCmd(s.command());
        }
        if (s.entrypoint() != null) {
            cmd.withEntrypoint(s.entrypoint());
        }
        if (s.user() != null) {
            cmd.withUser(s.user());
        }
        if (s.workingDir() != null) {
            cmd.withWorkingDir(s.workingDir());
        }
        if (s.hostname() != null) {
            cmd.withHostName(s.hostname());
        }
        if (s.healthcheck() != null) {
            ServiceSpec.Healthcheck h = s.healthcheck();
            HealthCheck check = new HealthCheck().withTest(h.test());
            if (h.interval() != null) {
                check.withInterval(h.interval().toNanos());
            }
            if (h.timeout() != null) {
                check.withTimeout(h.timeout().toNanos());
            }
            if (h.retries() != null) {
                check.withRetries(h.retries());
            }
            if (h.startPeriod() != null) {
                check.withStartPeriod(h.startPeriod().toNanos());
            }
            cmd.withHealthcheck(check);
        }
        return cmd;
    }

    static List<String> aliases(ServiceSpec s, String networkKey) {
        List<String> aliases = new ArrayList<>();
        aliases.add(s.key());
        aliases.addAll(s.networks().getOrDefault(networkKey, List.of()));
        return aliases;
    }

    private static String bindSource(String source, ProjectContext context, String service) {
        if (source.startsWith("/")) {
            return source;
        }
        if (source.startsWith("~")) {
            return Path.of(System.getProperty("user.home") + source.substring(1)).normalize().toString();
        }
        if (context.workingDir() == null) {
            throw new RuntimeOperationException("service " + service + " binds the relative path " + source
                    + ", but this stack has no project directory; use an absolute path or a named volume");
        }
        return Path.of(context.workingDir()).resolve(source).normalize().toAbsolutePath().toString();
    }

    private static Capability[] capabilities(List<String> names, String path) {
        List<Capability> caps = new ArrayList<>();
        for (String name : names) {
            String bare = name.startsWith("CAP_") ? name.substring(4) : name;
            try {
                caps.add(Capability.valueOf(bare));
            } catch (IllegalArgumentException e) {
                throw new RuntimeOperationException("services." + path + ": unknown capability " + name);
            }
        }
        return caps.toArray(Capability[]::new);
    }
}
