package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.port.out.SessionRuntime.ContainerEvent;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.port.out.SessionRuntimeContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event watch survives a broken stream and an engine that is unreachable for a moment: events that happen
 * while it is disconnected arrive after the reconnect, and none arrives twice.
 */
class ContainerEventReconnectIT {

    private DockerClients direct;
    private DockerSessionRuntime runtime;
    private CuttableDockerProxy proxy;
    private DockerClients viaProxy;
    private DockerSessionRuntime watched;
    private Map<String, String> owner;
    private String before;
    private String during;

    @BeforeEach
    void connect() throws Exception {
        direct = DockerClients.create(DockerTestSupport.host());
        DockerTestSupport.requireImage(direct, SessionRuntimeContract.RUNNING_IMAGE);
        runtime = DockerSessionRuntime.connect(direct);
        proxy = new CuttableDockerProxy(DockerTestSupport.host());
        viaProxy = DockerClients.create(proxy.dockerHost());
        watched = DockerSessionRuntime.connect(viaProxy);
        String id = UUID.randomUUID().toString().substring(0, 8);
        owner = Map.of(DockerTestSupport.TEST_LABEL, "true", "io.streamspace.agent.id", "it-" + id);
        before = "sst-events-" + id + "-before";
        during = "sst-events-" + id + "-during";
    }

    @AfterEach
    void cleanUp() {
        try {
            runtime.removeContainer(before, owner);
            runtime.removeContainer(during, owner);
        } finally {
            viaProxy.close();
            proxy.close();
            direct.close();
        }
    }

    @Test
    void eventsDuringAGapArriveAfterTheReconnectExactlyOnce() throws Exception {
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        try (AutoCloseable watch = watched.watchContainers(owner, events::add)) {
            runtime.createAndStart(spec(before));
            await().atMost(Duration.ofSeconds(30)).until(() -> has(events, before, "start"));

            proxy.refuse(true);
            proxy.cut();
            // The watch noticed and tried to reconnect (and was refused): the next event falls into a real gap.
            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.refusedConnections() > 0);
            runtime.createAndStart(spec(during));
            proxy.refuse(false);

            await().atMost(Duration.ofSeconds(60)).until(() -> has(events, during, "start"));
            assertThat(events).filteredOn(e -> e.containerName().equals(before) && e.action().equals("start"))
                    .hasSize(1);
            assertThat(events).filteredOn(e -> e.containerName().equals(during) && e.action().equals("start"))
                    .hasSize(1);
        }
    }

    private static boolean has(List<ContainerEvent> events, String name, String action) {
        return events.stream().anyMatch(e -> e.containerName().equals(name) && e.action().equals(action));
    }

    private ContainerSpec spec(String name) {
        return new ContainerSpec(name, SessionRuntimeContract.RUNNING_IMAGE, owner, Map.of(), 0, 0, "", List.of(),
                List.of(), "127.0.0.1", "no", true, 0);
    }
}
