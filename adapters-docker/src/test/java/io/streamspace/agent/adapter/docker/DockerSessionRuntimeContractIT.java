package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.Network;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.port.out.SessionRuntime.NetworkRef;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@link SessionRuntime} contract against {@link DockerSessionRuntime} on the real engine. */
class DockerSessionRuntimeContractIT extends DockerEngineSessionRuntimeContract {

    private static DockerSessionRuntime runtime;

    @BeforeAll
    static void connect() {
        runtime = DockerSessionRuntime.connect(clients);
    }

    @Override
    protected SessionRuntime runtime() {
        return runtime;
    }

    /**
     * An ensured network is not looked up again for every start (one engine call per start, serialised per name):
     * when it was removed behind the runtime's back, the next create finds it missing, ensures it again (with the
     * owner check) and creates the container in the new one.
     */
    @Test
    void aNetworkRemovedBehindTheRuntimesBackIsEnsuredAgainByTheNextCreate() {
        String net = network("gone");
        NetworkRef first = runtime.ensureNetwork(net, owner);
        clients.requests().removeNetworkCmd(first.id()).exec();

        NetworkRef cached = runtime.ensureNetwork(net, owner);
        assertThat(cached.id()).as("taken as ensured: no engine look-up").isEqualTo(first.id());

        String name = container("renet");
        ContainerState started = runtime.createAndStart(withNetwork(spec(name, RUNNING_IMAGE, Map.of()), net));
        assertThat(started.id()).isNotBlank();
        Network now = clients.requests().listNetworksCmd().withNameFilter(net).exec().stream()
                .filter(n -> net.equals(n.getName())).findFirst().orElseThrow();
        assertThat(now.getId()).as("a new network of the same name").isNotEqualTo(first.id());
        assertThat(now.getLabels()).containsAllEntriesOf(owner);
        assertThat(clients.requests().inspectContainerCmd(started.id()).exec().getNetworkSettings().getNetworks())
                .as("the container is attached to it").hasSize(1);
        assertThat(runtime.ensureNetwork(net, owner).id()).isEqualTo(now.getId());
    }

    /** A network replaced by a foreign one of the same name is refused at the next create, never used. */
    @Test
    void aNetworkReplacedByAForeignOneIsRefusedAtTheNextCreate() {
        // not through network(): the cleanup removes those through the runtime, which refuses the foreign one
        String net = prefix + "-swapped-net";
        NetworkRef first = runtime.ensureNetwork(net, owner);
        clients.requests().removeNetworkCmd(first.id()).exec();
        String name = container("swapped");
        runtime.createAndStart(withNetwork(spec(name, RUNNING_IMAGE, Map.of()), net));
        runtime.removeContainer(name, owner);
        // removed through the runtime: forgotten at once, so the foreign one is seen at the next ensure
        assertThat(runtime.removeNetwork(net, owner)).isTrue();
        createForeignNetwork(net, foreignLabels());

        assertThatThrownBy(() -> runtime.ensureNetwork(net, owner)).isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("not managed by this agent");
    }
}
