package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * "Foreign" Docker objects for the {@code SessionRuntimeContract}: networks, volumes and containers created with
 * docker-java directly, behind the runtime's back, and removed again by {@link #removeAll()} (whatever a test removed
 * itself already is skipped). One instance per test instance; shared with other modules through this module's
 * test-jar.
 */
public final class DockerForeignObjects {

    private final Supplier<DockerClient> docker;
    private final List<String> containers = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();

    /** {@code docker} is asked for the client on every call, so it may be connected after this is created. */
    public DockerForeignObjects(Supplier<DockerClient> docker) {
        this.docker = docker;
    }

    public void createNetwork(String name, Map<String, String> labels) {
        networks.add(name);
        docker.get().createNetworkCmd().withName(name).withDriver("bridge").withLabels(labels).exec();
    }

    public void createVolume(String name, Map<String, String> labels) {
        volumes.add(name);
        docker.get().createVolumeCmd().withName(name).withLabels(labels).exec();
    }

    /** Creates and starts a container of {@code image}. */
    public void createContainer(String image, String name, Map<String, String> labels) {
        containers.add(name);
        String id = docker.get().createContainerCmd(image).withName(name).withLabels(labels).exec().getId();
        docker.get().startContainerCmd(id).exec();
    }

    /** Removes every object created here: containers (forced), then volumes, then networks. */
    public void removeAll() {
        for (String name : containers) {
            ignoreMissing(() -> docker.get().removeContainerCmd(name).withForce(true).exec());
        }
        for (String name : volumes) {
            ignoreMissing(() -> docker.get().removeVolumeCmd(name).exec());
        }
        for (String name : networks) {
            docker.get().listNetworksCmd().withNameFilter(name).exec().stream()
                    .filter(n -> name.equals(n.getName()))
                    .forEach(n -> ignoreMissing(() -> docker.get().removeNetworkCmd(n.getId()).exec()));
        }
    }

    private static void ignoreMissing(Runnable removal) {
        try {
            removal.run();
        } catch (NotFoundException alreadyGone) {
            // the test removed it already
        }
    }
}
