package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Proves Testcontainers works on this machine: no registry, Ryuk disabled, the tiny image pointed at the local
 * busybox (both set by the root pom for surefire and failsafe).
 */
class ContainerSmokeIT {

    @Test
    void startsALocalBusyboxContainerAndReadsItsLog() {
        try (DockerClients clients = DockerClients.create(DockerTestSupport.host())) {
            DockerTestSupport.requireImage(clients, DockerTestSupport.BUSYBOX_IMAGE);
        }

        try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(DockerTestSupport.BUSYBOX_IMAGE))
                .withCommand("sh", "-c", "echo ready; sleep 300")
                .withLabel(DockerTestSupport.TEST_LABEL, "true")) {
            container.start();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> container.getLogs().contains("ready"));
            assertThat(container.isRunning()).isTrue();

            container.stop();
            assertThat(container.getContainerId()).isNull();
        }
    }
}
