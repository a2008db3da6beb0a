package io.streamspace.agent.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline: the raw Docker engine doing the work of one session start and stop with the fewest API calls,
 * through the same docker-java client and transport the agent uses. A start is: create the home volume, create
 * the container with the agent's limits, labels, mount and port publish, start it, inspect until it runs
 * (polled every 250 ms like the agent; in practice the first inspect after start already says running). A stop is
 * a forced remove, which is what the agent's {@code stop_session} does too.
 */
final class RawEngine {

    static final String BENCH_LABEL = "streamspace.bench";

    private final DockerClient docker;
    private final String runId;
    private final String network;

    RawEngine(DockerClient docker, String runId, String network) {
        this.docker = docker;
        this.runId = runId;
        this.network = network;
    }

    Map<String, String> runLabels() {
        return Map.of(BENCH_LABEL, runId);
    }

    void createNetwork() {
        docker.createNetworkCmd().withName(network).withDriver("bridge").withLabels(runLabels())
                .withCheckDuplicate(true).exec();
    }

    /** Starts one session container the way the agent would; returns the container id once it runs. */
    String start(String sessionId, Workload w) throws InterruptedException {
        String name = "ssbench-raw-" + sessionId;
        Map<String, String> volumeLabels = new LinkedHashMap<>(runLabels());
        volumeLabels.put("streamspace.session.id", sessionId);
        docker.createVolumeCmd().withName(name + "-home").withDriver("local").withLabels(volumeLabels).exec();

        Map<String, String> labels = new LinkedHashMap<>(volumeLabels);
        labels.put("streamspace.session.user", w.user());
        labels.put("streamspace.session.template", w.template());
        labels.put("streamspace.session.cpu-millis", Long.toString(w.cpuMillis()));
        labels.put("streamspace.session.memory-bytes", Long.toString(w.memoryBytes()));
        labels.put("streamspace.session.vnc-port", Integer.toString(w.vncPort()));
        labels.put("streamspace.session.started-at", Instant.now().toString());
        ExposedPort vnc = ExposedPort.tcp(w.vncPort());
        HostConfig host = HostConfig.newHostConfig()
                .withRestartPolicy(RestartPolicy.unlessStoppedRestart())
                .withMemory(w.memoryBytes())
                .withNanoCPUs(w.cpuMillis() * 1_000_000L)
                .withPidsLimit(w.pidsLimit())
                .withSecurityOpts(List.of("no-new-privileges"))
                .withNetworkMode(network)
                .withMounts(List.of(new Mount().withType(MountType.VOLUME).withSource(name + "-home")
                        .withTarget(w.homeMountPath())))
                .withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), vnc));
        CreateContainerResponse created = docker.createContainerCmd(w.image())
                .withName(name)
                .withLabels(labels)
                .withEnv(List.of("USER=" + w.user()))
                .withExposedPorts(vnc)
                .withHostConfig(host)
                .exec();
        docker.startContainerCmd(created.getId()).exec();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            var state = docker.inspectContainerCmd(created.getId()).exec().getState();
            if (Boolean.TRUE.equals(state.getRunning())) {
                return created.getId();
            }
            if ("exited".equals(state.getStatus()) || "dead".equals(state.getStatus())
                    || System.nanoTime() > deadline) {
                throw new IllegalStateException("raw container " + name + " did not run: " + state.getStatus());
            }
            Thread.sleep(250);
        }
    }

    /** What the agent's stop_session does: a forced remove (the home volume stays, as with deletePVC false). */
    void stop(String containerId) {
        docker.removeContainerCmd(containerId).withForce(true).exec();
    }

    /** Removes every container, volume and network carrying {@code labelKey=labelValue}; returns counts. */
    static String removeLabelled(DockerClient docker, String labelKey, String labelValue) {
        Map<String, String> filter = Map.of(labelKey, labelValue);
        int containers = 0;
        int volumes = 0;
        int networks = 0;
        for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec()) {
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(false).exec();
                containers++;
            } catch (NotFoundException gone) {
                // removed meanwhile
            }
        }
        var listed = docker.listVolumesCmd().withFilter("label", List.of(labelKey + "=" + labelValue)).exec();
        if (listed.getVolumes() != null) {
            for (var v : listed.getVolumes()) {
                try {
                    docker.removeVolumeCmd(v.getName()).exec();
                    volumes++;
                } catch (NotFoundException gone) {
                    // removed meanwhile
                }
            }
        }
        for (var n : docker.listNetworksCmd().withFilter("label", List.of(labelKey + "=" + labelValue)).exec()) {
            try {
                docker.removeNetworkCmd(n.getId()).exec();
                networks++;
            } catch (NotFoundException gone) {
                // removed meanwhile
            }
        }
        return containers + " container(s), " + volumes + " volume(s), " + networks + " network(s)";
    }

    /** The session workload both sides run. */
    record Workload(String image, String user, String template, long memoryBytes, String memory, long cpuMillis,
                    String cpu, int vncPort, long pidsLimit, String homeMountPath) {}
}
