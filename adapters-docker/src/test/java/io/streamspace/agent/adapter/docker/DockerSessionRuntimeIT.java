package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime.NetworkRef;
import io.streamspace.agent.application.port.out.SessionRuntime.RuntimeInfo;
import com.github.dockerjava.api.model.HostConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DockerSessionRuntime} against the real engine. Every network is uniquely named and removed afterwards. */
class DockerSessionRuntimeIT {

    private DockerClients clients;
    private DockerSessionRuntime runtime;
    private DockerClient raw;
    private Map<String, String> owner;
    private final List<String> createdNetworks = new ArrayList<>();

    @BeforeEach
    void connect() {
        clients = DockerClients.create(DockerTestSupport.host());
        runtime = DockerSessionRuntime.connect(clients);
        raw = clients.requests();
        // A fresh owner per test: tests never see each other's networks, even when run in parallel.
        owner = Map.of(DockerTestSupport.TEST_LABEL, "true", "io.streamspace.agent.id", "it-" + UUID.randomUUID());
    }

    @AfterEach
    void cleanUp() {
        try {
            for (String name : createdNetworks) {
                raw.listNetworksCmd().withNameFilter(name).exec().stream()
                        .filter(n -> name.equals(n.getName()))
                        .forEach(n -> raw.removeNetworkCmd(n.getId()).exec());
            }
        } finally {
            clients.close();
        }
    }

    @Test
    void readsTheEngineAndApiVersion() {
        RuntimeInfo info = runtime.info();

        assertThat(info.engineVersion()).isNotBlank().isNotEqualTo("unknown");
        assertThat(info.apiVersion()).matches("\\d+\\.\\d+");
        assertThat(info.operatingSystem()).startsWith("linux/");
        assertThat(runtime.connectedTo()).isEqualTo(info);
    }

    @Test
    void createsFindsAndRemovesALabelledNetwork() {
        String name = track(DockerTestSupport.uniqueName("net"));

        NetworkRef created = runtime.ensureNetwork(name, owner);

        assertThat(created.name()).isEqualTo(name);
        assertThat(created.id()).isNotBlank();
        assertThat(created.labels()).containsAllEntriesOf(owner);
        Network onEngine = raw.inspectNetworkCmd().withNetworkId(created.id()).exec();
        assertThat(onEngine.getName()).isEqualTo(name);
        assertThat(onEngine.getDriver()).isEqualTo("bridge");
        assertThat(onEngine.getLabels()).containsAllEntriesOf(owner);

        assertThat(runtime.findNetworks(owner)).extracting(NetworkRef::id).containsExactly(created.id());

        assertThat(runtime.removeNetwork(name, owner)).isTrue();
        assertThat(runtime.findNetworks(owner)).isEmpty();
        assertThat(runtime.removeNetwork(name, owner)).as("already gone").isFalse();
    }

    @Test
    void ensureNetworkReturnsTheExistingOwnedNetwork() {
        String name = track(DockerTestSupport.uniqueName("net"));

        NetworkRef first = runtime.ensureNetwork(name, owner);
        NetworkRef second = runtime.ensureNetwork(name, owner);

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(runtime.findNetworks(owner)).hasSize(1);
    }

    @Test
    void findNetworksNeedsAllLabels() {
        String name = track(DockerTestSupport.uniqueName("net"));
        runtime.ensureNetwork(name, owner);
        Map<String, String> moreThanItHas = new java.util.HashMap<>(owner);
        moreThanItHas.put("io.streamspace.session", "other");

        assertThat(runtime.findNetworks(moreThanItHas)).isEmpty();
        assertThat(runtime.findNetworks(Map.of("io.streamspace.agent.id", owner.get("io.streamspace.agent.id"))))
                .extracting(NetworkRef::name).containsExactly(name);
    }

    @Test
    void refusesAndLeavesIntactASameNamedNetworkWithoutOurLabels() {
        String name = track(DockerTestSupport.uniqueName("foreign"));
        String foreignId = raw.createNetworkCmd().withName(name).withDriver("bridge")
                .withLabels(Map.of(DockerTestSupport.TEST_LABEL, "true", "owner", "someone-else"))
                .exec().getId();

        assertThatThrownBy(() -> runtime.ensureNetwork(name, owner))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("Network '" + name + "'")
                .hasMessageContaining("not managed by this agent")
                .hasMessageContaining("leaving it untouched");
        assertThatThrownBy(() -> runtime.removeNetwork(name, owner))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("not managed by this agent");

        Network still = raw.inspectNetworkCmd().withNetworkId(foreignId).exec();
        assertThat(still.getName()).isEqualTo(name);
        assertThat(still.getLabels()).containsEntry("owner", "someone-else").doesNotContainKeys(
                "io.streamspace.agent.id");
        assertThat(runtime.findNetworks(owner)).isEmpty();
    }

    @Test
    void aNameThatIsOnlyAPrefixOfAnotherNetworkIsNotConfusedWithIt() {
        String longer = track(DockerTestSupport.uniqueName("prefix") + "-long");
        String shorter = track(longer.substring(0, longer.length() - "-long".length()));
        raw.createNetworkCmd().withName(longer).withDriver("bridge")
                .withLabels(Map.of(DockerTestSupport.TEST_LABEL, "true")).exec();

        assertThat(runtime.removeNetwork(shorter, owner)).isFalse();
        NetworkRef created = runtime.ensureNetwork(shorter, owner);

        assertThat(created.name()).isEqualTo(shorter);
        assertThat(runtime.findNetworks(owner)).extracting(NetworkRef::name).containsExactly(shorter);
    }

    @Test
    void concurrentEnsureNetworkCallsShareOneNetwork() throws Exception {
        String name = track(DockerTestSupport.uniqueName("race"));
        int callers = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<NetworkRef>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return runtime.ensureNetwork(name, owner);
                }));
            }
            go.countDown();
        }

        Set<String> ids = new HashSet<>();
        for (Future<NetworkRef> result : results) {
            ids.add(result.get().id());
        }
        assertThat(ids).hasSize(1);
        assertThat(exactlyNamed(name)).extracting(Network::getId).containsExactlyElementsOf(ids);
    }

    @Test
    void convergesOnTheOldestOwnedNetworkWhenAnotherCreatorRacedUs() {
        String name = track(DockerTestSupport.uniqueName("dup"));
        String oldest = raw.createNetworkCmd().withName(name).withDriver("bridge").withLabels(owner)
                .withCheckDuplicate(false).exec().getId();
        boolean duplicateAllowed;
        try {
            raw.createNetworkCmd().withName(name).withDriver("bridge").withLabels(owner)
                    .withCheckDuplicate(false).exec();
            duplicateAllowed = true;
        } catch (com.github.dockerjava.api.exception.ConflictException e) {
            duplicateAllowed = false;
        }
        assumeTrue(duplicateAllowed, "this engine refuses duplicate network names (API >= 1.44): no race to repair");
        assertThat(exactlyNamed(name)).hasSize(2);

        NetworkRef chosen = runtime.ensureNetwork(name, owner);

        assertThat(chosen.id()).isEqualTo(oldest);
        assertThat(exactlyNamed(name)).extracting(Network::getId).containsExactly(oldest);
    }

    @Test
    void removeNetworkRefusesWhileContainersUseItAndSaysWhy() {
        String name = track(DockerTestSupport.uniqueName("busy"));
        DockerTestSupport.requireImage(clients, DockerTestSupport.BUSYBOX_IMAGE);
        runtime.ensureNetwork(name, owner);
        String container = raw.createContainerCmd(DockerTestSupport.BUSYBOX_IMAGE)
                .withCmd("sleep", "300")
                .withLabels(Map.of(DockerTestSupport.TEST_LABEL, "true"))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(name))
                .exec().getId();
        try {
            raw.startContainerCmd(container).exec();

            assertThatThrownBy(() -> runtime.removeNetwork(name, owner))
                    .isInstanceOf(RuntimeOperationException.class)
                    .hasMessageContaining("refused to remove network " + name)
                    .hasMessageContaining("active endpoints");
            assertThat(exactlyNamed(name)).hasSize(1);
        } finally {
            raw.removeContainerCmd(container).withForce(true).exec();
        }
        assertThat(runtime.removeNetwork(name, owner)).isTrue();
    }

    @Test
    void rejectsEmptyOwnerLabels() {
        assertThatThrownBy(() -> runtime.ensureNetwork(DockerTestSupport.uniqueName("net"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> runtime.removeNetwork("bridge", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private List<Network> exactlyNamed(String name) {
        return raw.listNetworksCmd().withNameFilter(name).exec().stream()
                .filter(n -> name.equals(n.getName()))
                .toList();
    }

    private String track(String name) {
        createdNetworks.add(name);
        return name;
    }
}
