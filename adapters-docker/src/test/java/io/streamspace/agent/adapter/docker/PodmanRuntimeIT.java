package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.adapter.docker.swarm.SwarmLeaderLock;
import io.streamspace.agent.application.port.out.LeaderLockUnavailableException;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.port.out.SessionRuntime.PortSpec;
import io.streamspace.agent.domain.election.LeaseTiming;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What only Podman does, on Podman's Docker-compatible API (runs in the Podman mode only, see adapters-docker's
 * pom): the runtime is detected and named, the swarm backend is refused with the setting to change, and a container
 * that its restart policy keeps bringing back shows Docker's "restarting" with its exit code instead of Podman's own
 * "stopped".
 */
class PodmanRuntimeIT {

    private static DockerClients clients;
    private static DockerSessionRuntime runtime;
    private final Map<String, String> owner = Map.of(DockerTestSupport.TEST_LABEL, "true",
            "streamspace.agent.id", DockerTestSupport.uniqueName("podman"));

    @BeforeAll
    static void connect() {
        clients = DockerClients.create(DockerTestSupport.host());
        runtime = DockerSessionRuntime.connect(clients);
    }

    @AfterAll
    static void close() {
        clients.close();
    }

    @Test
    void theRuntimeIsDetectedAsPodmanAndDescribedSo() {
        assertThat(clients.engine()).isEqualTo(ContainerEngine.PODMAN);
        assertThat(runtime.connectedTo().runtime()).isEqualTo("podman");
        assertThat(runtime.info().runtime()).isEqualTo("podman");
        // Podman reports its own product version next to the compat API version it emulates
        assertThat(runtime.connectedTo().apiVersion()).matches("1\\.\\d+");
        assertThat(DockerSessionRuntime.describe(runtime.connectedTo()))
                .startsWith("Podman " + runtime.connectedTo().engineVersion() + " (Docker-compatible API 1.");
    }

    @Test
    void theSwarmLeaderElectionBackendIsRefusedNamingTheSetting() {
        LeaseTiming timing = new LeaseTiming(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(500));
        assertThatThrownBy(() -> SwarmLeaderLock.open(DockerTestSupport.host(), "any-service", "agent-1", timing))
                .isInstanceOf(LeaderLockUnavailableException.class)
                .hasMessageContaining("is Podman, which has no swarm mode")
                .hasMessageContaining("--leader-election-backend redis");
    }

    @Test
    void aContainerItsRestartPolicyKeepsBringingBackShowsRestartingWithItsExitCode() {
        String name = DockerTestSupport.uniqueName("podman-restarts");
        try {
            runtime.createAndStart(new ContainerSpec(name, "streamspace-test/exit-fast:latest", owner, Map.of(), 0, 0,
                    null, List.of(), List.of(new PortSpec(5900, "tcp")), "127.0.0.1", "unless-stopped", true, 0));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> runtime.inspect(name).orElseThrow(),
                            (ContainerState c) -> c.status().equals("restarting") && c.exitCode() == 3
                                    // ports of a container that is not up are not reported (Podman keeps them)
                                    && c.publishedPorts().isEmpty());
        } finally {
            runtime.removeContainer(name, owner);
        }
    }
}
