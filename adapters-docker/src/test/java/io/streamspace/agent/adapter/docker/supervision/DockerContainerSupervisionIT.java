package io.streamspace.agent.adapter.docker.supervision;

import static io.streamspace.agent.adapter.docker.supervision.SupervisionTestContainers.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.domain.watchdog.ContainerSnapshot;
import io.streamspace.agent.domain.watchdog.ContainerSnapshot.Health;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter against the real engine: what inspection, logs and restart give the watchdog. */
class DockerContainerSupervisionIT {

    private final SupervisionTestContainers containers = new SupervisionTestContainers();
    private final DockerContainerSupervision supervision =
            new DockerContainerSupervision(containers.clients, Duration.ofSeconds(1));

    @AfterEach
    void removeContainers() {
        containers.close();
    }

    @Test
    void aMissingContainerHasNoSnapshotNoLogsAndCannotBeRestarted() {
        String name = uniqueName("missing");
        assertThat(supervision.inspect(name)).isEmpty();
        assertThat(supervision.lastLogLines(name, 10)).isEmpty();
        assertThatThrownBy(() -> supervision.restart(name)).isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("has no container of that name");
    }

    @Test
    void namesMatchExactlyNotAsPrefixesOrPatterns() {
        String name = uniqueName("exact");
        containers.start(name + "-longer", SupervisionTestContainers.BUSYBOX_IMAGE, Map.of(), "sleep", "600");
        assertThat(supervision.inspect(name)).isEmpty();
        assertThat(supervision.inspect(name.replace("-exact-", ".exact."))).isEmpty();
        assertThat(supervision.inspect(name + "-longer")).isPresent();
    }

    @Test
    void aRunningContainerWithoutHealthCheck() {
        String name = uniqueName("running");
        String id = containers.start(name, SupervisionTestContainers.BUSYBOX_IMAGE, Map.of(), "sleep", "600");
        ContainerSnapshot s = supervision.inspect(name).orElseThrow();
        assertThat(s.id()).isEqualTo(id);
        assertThat(s.running()).isTrue();
        assertThat(s.status()).isEqualTo("running");
        assertThat(s.health()).isEqualTo(Health.NONE);
    }

    @Test
    void aCrashedContainerShowsItsExitCodeAndItsLastLogLinesAndRestartRunsItAgain() {
        String name = uniqueName("crash");
        containers.start(name, SupervisionTestContainers.CRASH_IMAGE, Map.of());
        containers.awaitExited(name);
        ContainerSnapshot s = supervision.inspect(name).orElseThrow();
        assertThat(s.running()).isFalse();
        assertThat(s.status()).isEqualTo("exited");
        assertThat(s.exitCode()).isEqualTo(1);
        assertThat(s.error()).isEmpty();
        assertThat(supervision.lastLogLines(name, 10))
                .containsExactly("sidecar-crash: fatal error, exiting with code 1");

        supervision.restart(name);
        await().atMost(Duration.ofSeconds(30)).until(() -> supervision.lastLogLines(name, 10).size() == 2);
        // The tail is the last n lines.
        assertThat(supervision.lastLogLines(name, 1)).hasSize(1);
    }

    @Test
    void theGlibcErrorIsInTheLogWhileStateErrorStaysEmpty() {
        String name = uniqueName("glibc");
        containers.start(name, SupervisionTestContainers.GLIBC_IMAGE, Map.of());
        containers.awaitExited(name);
        ContainerSnapshot s = supervision.inspect(name).orElseThrow();
        assertThat(s.error()).isEmpty();
        assertThat(s.exitCode()).isEqualTo(1);
        assertThat(supervision.lastLogLines(name, 50)).singleElement().asString()
                .contains("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.39' not found");
    }

    @Test
    void aHealthCheckThatStartsFailingShowsUnhealthyWhileRunning() {
        String name = uniqueName("unhealthy");
        containers.start(name, SupervisionTestContainers.UNHEALTHY_IMAGE, Map.of("HEALTHY_SECONDS", "2"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> supervision.inspect(name).map(ContainerSnapshot::health), h -> h.equals(Optional.of(Health.UNHEALTHY)));
        ContainerSnapshot s = supervision.inspect(name).orElseThrow();
        assertThat(s.running()).isTrue();
        assertThat(s.status()).isEqualTo("running");

        supervision.restart(name);
        ContainerSnapshot restarted = supervision.inspect(name).orElseThrow();
        assertThat(restarted.running()).isTrue();
        assertThat(restarted.health()).isIn(Health.STARTING, Health.HEALTHY);
    }
}
