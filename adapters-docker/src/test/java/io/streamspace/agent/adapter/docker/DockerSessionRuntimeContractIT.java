package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntimeContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link SessionRuntime} contract against {@link DockerSessionRuntime} on the real engine. */
class DockerSessionRuntimeContractIT extends SessionRuntimeContract {

    /** TEST-NET-1 (RFC 5737): no interface has it, so publishing a port on it makes the start fail. */
    private static final String UNASSIGNABLE_ADDRESS = "192.0.2.1";

    private static DockerClients clients;
    private static DockerSessionRuntime runtime;
    private final List<String> foreignContainers = new ArrayList<>();
    private final List<String> foreignVolumes = new ArrayList<>();
    private final List<String> foreignNetworks = new ArrayList<>();

    @BeforeAll
    static void connect() {
        clients = DockerClients.create(DockerTestSupport.host());
        DockerTestSupport.requireImage(clients, RUNNING_IMAGE);
        DockerTestSupport.requireImage(clients, EXITING_IMAGE);
        runtime = DockerSessionRuntime.connect(clients);
    }

    @AfterAll
    static void disconnect() {
        clients.close();
    }

    @Override
    protected SessionRuntime runtime() {
        return runtime;
    }

    @Override
    protected void createForeignNetwork(String name, Map<String, String> labels) {
        foreignNetworks.add(name);
        raw().createNetworkCmd().withName(name).withDriver("bridge").withLabels(labels).exec();
    }

    @Override
    protected void createForeignVolume(String name, Map<String, String> labels) {
        foreignVolumes.add(name);
        raw().createVolumeCmd().withName(name).withLabels(labels).exec();
    }

    @Override
    protected void createForeignContainer(String name, Map<String, String> labels) {
        foreignContainers.add(name);
        String id = raw().createContainerCmd(RUNNING_IMAGE).withName(name).withLabels(labels).exec().getId();
        raw().startContainerCmd(id).exec();
    }

    @Override
    protected void removeForeignObjects() {
        for (String name : foreignContainers) {
            ignoreMissing(() -> raw().removeContainerCmd(name).withForce(true).exec());
        }
        for (String name : foreignVolumes) {
            ignoreMissing(() -> raw().removeVolumeCmd(name).exec());
        }
        for (String name : foreignNetworks) {
            raw().listNetworksCmd().withNameFilter(name).exec().stream()
                    .filter(n -> name.equals(n.getName()))
                    .forEach(n -> ignoreMissing(() -> raw().removeNetworkCmd(n.getId()).exec()));
        }
    }

    @Override
    protected SessionRuntime.ContainerSpec failingToStart(SessionRuntime.ContainerSpec spec) {
        return withHostAddress(spec, UNASSIGNABLE_ADDRESS);
    }

    private static DockerClient raw() {
        return clients.requests();
    }

    private static void ignoreMissing(Runnable removal) {
        try {
            removal.run();
        } catch (NotFoundException alreadyGone) {
            // the test removed it already
        }
    }
}
