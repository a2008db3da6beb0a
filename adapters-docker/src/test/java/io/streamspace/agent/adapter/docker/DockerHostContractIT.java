package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import io.streamspace.agent.application.port.out.HostContainers;
import io.streamspace.agent.application.port.out.HostContainersContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link HostContainers} contract against {@link DockerHost} on the real engine. */
class DockerHostContractIT extends HostContainersContract<DockerHost> {

    private static final String IMAGE = "streamspace-test/busybox:latest";
    private static DockerClients clients;
    private static DockerHost host;
    private final List<String> created = new ArrayList<>();

    @BeforeAll
    static void connect() {
        clients = DockerClients.create(DockerTestSupport.host());
        DockerTestSupport.requireImage(clients, IMAGE);
        host = new DockerHost(clients);
    }

    @AfterAll
    static void disconnect() {
        clients.close();
    }

    @Override
    protected DockerHost host() {
        return host;
    }

    @Override
    protected String image() {
        return IMAGE;
    }

    @Override
    protected void createRunning(String name, Map<String, String> labels, List<String> environment,
                                 List<String> lines) {
        // prints the lines, then waits; exits at once on SIGTERM so stops take no grace period
        String script = "trap 'exit 0' TERM; " + lines.stream().map(l -> "echo '" + l + "'")
                .collect(Collectors.joining("; ")) + "; while true; do sleep 1 & wait $!; done";
        String id = clients.requests().createContainerCmd(IMAGE).withName(name).withLabels(labels)
                .withEnv(environment).withCmd("sh", "-c", script)
                // no network: the containers need none, and the default bridge is not guaranteed on a shared engine
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .exec().getId();
        created.add(id);
        clients.requests().startContainerCmd(id).exec();
    }

    @Override
    protected void removeCreated() {
        for (String id : created) {
            try {
                clients.requests().removeContainerCmd(id).withForce(true).exec();
            } catch (NotFoundException gone) {
                // removed already
            }
        }
        created.clear();
    }
}
