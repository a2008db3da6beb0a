package io.streamspace.agent.adapter.docker.swarm;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.api.model.SwarmSpec;
import com.github.dockerjava.api.model.TaskSpec;
import io.streamspace.agent.adapter.docker.DockerClients;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node swarm on the local engine for the swarm tests: if the engine is not in a swarm yet, the first test
 * class that needs one runs {@code docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1}, and at the
 * end of the whole run (root store) leaves it with {@code --force} and removes the {@code docker_gwbridge} network
 * the init created, so the engine is left as it was found. An engine already in a swarm (someone else's) is used and
 * left alone; tests then only touch the services they create.
 */
public final class LocalSwarm implements BeforeAllCallback {

    /** Built from testkit-images/busybox by scripts/setup-env.sh; there is no registry to pull from. */
    static final String BUSYBOX_IMAGE = System.getenv().getOrDefault(
            "TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE", "streamspace-test/busybox:latest");
    static final String TEST_LABEL = "io.streamspace.test";

    private static final Logger LOG = LoggerFactory.getLogger(LocalSwarm.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalSwarm.class);

    static String host() {
        String host = System.getenv("DOCKER_HOST");
        return host == null || host.isBlank() ? DockerClients.DEFAULT_HOST : host;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Session.class, key -> Session.start(), Session.class);
    }

    /** The swarm of this test run; closed once, at the end of the run. */
    public static final class Session implements ExtensionContext.Store.CloseableResource {
        private final boolean initialisedByUs;
        private final boolean gwbridgeExisted;
        private boolean closed;

        private Session(boolean initialisedByUs, boolean gwbridgeExisted) {
            this.initialisedByUs = initialisedByUs;
            this.gwbridgeExisted = gwbridgeExisted;
        }

        static Session start() {
            try (DockerClients clients = DockerClients.create(host())) {
                DockerClient docker = clients.requests();
                try {
                    docker.inspectImageCmd(BUSYBOX_IMAGE).exec();
                } catch (NotFoundException e) {
                    fail("Local test image " + BUSYBOX_IMAGE + " is missing: run scripts/setup-env.sh");
                }
                SwarmInfo swarm = docker.infoCmd().exec().getSwarm();
                boolean gwbridge = hasNetwork(docker, "docker_gwbridge");
                if (swarm != null && swarm.getLocalNodeState() == LocalNodeState.ACTIVE) {
                    if (!Boolean.TRUE.equals(swarm.getControlAvailable())) {
                        fail("The local engine is a swarm worker: the swarm tests need a manager");
                    }
                    LOG.info("The engine is already a swarm manager: using its swarm, leaving it as it is");
                    return new Session(false, gwbridge);
                }
                docker.initializeSwarmCmd(new SwarmSpec())
                        .withListenAddr("127.0.0.1:2377")
                        .withAdvertiseAddr("127.0.0.1")
                        .exec();
                LOG.info("Initialised a single-node swarm on the local engine (left at the end of the run)");
                return new Session(true, gwbridge);
            }
        }

        @Override
        public synchronized void close() {
            if (closed || !initialisedByUs) {
                return;
            }
            closed = true;
            try (DockerClients clients = DockerClients.create(host())) {
                DockerClient docker = clients.requests();
                docker.leaveSwarmCmd().withForceEnabled(true).exec();
                if (!gwbridgeExisted) {
                    for (Network network : docker.listNetworksCmd().withNameFilter("docker_gwbridge").exec()) {
                        if ("docker_gwbridge".equals(network.getName())
                                && (network.getContainers() == null || network.getContainers().isEmpty())) {
                            docker.removeNetworkCmd(network.getId()).exec();
                        }
                    }
                }
                LOG.info("Left the swarm this run initialised");
            }
        }

        private static boolean hasNetwork(DockerClient docker, String name) {
            return docker.listNetworksCmd().withNameFilter(name).exec().stream()
                    .anyMatch(network -> name.equals(network.getName()));
        }
    }

    /** Creates a service of busybox {@code sleep 1000} with this many replicas; returns its name. */
    static String createService(DockerClient docker, String prefix, int replicas) {
        String name = "sst-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        docker.createServiceCmd(new ServiceSpec()
                        .withName(name)
                        .withLabels(Map.of(TEST_LABEL, "true"))
                        .withTaskTemplate(new TaskSpec().withContainerSpec(new ContainerSpec()
                                .withImage(BUSYBOX_IMAGE)
                                .withCommand(List.of("sleep", "1000"))
                                .withLabels(Map.of(TEST_LABEL, "true"))))
                        .withMode(new ServiceModeConfig().withReplicated(
                                new ServiceReplicatedModeOptions().withReplicas(replicas))))
                .exec();
        return name;
    }

    static void removeService(DockerClient docker, String name) {
        try {
            docker.removeServiceCmd(name).exec();
        } catch (NotFoundException e) {
            // already gone
        }
    }
}
