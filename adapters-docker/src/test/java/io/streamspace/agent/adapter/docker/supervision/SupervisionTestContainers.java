package io.streamspace.agent.adapter.docker.supervision;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.streamspace.agent.adapter.docker.DockerClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The containers a supervision test creates: unique names, the test label, removed (forcibly) by {@link #close()}.
 * The images come from testkit-images/ (scripts/setup-env.sh builds them; there is no registry to pull from).
 */
final class SupervisionTestContainers implements AutoCloseable {

    static final String TEST_LABEL = "io.streamspace.test";
    static final String CRASH_IMAGE = "streamspace-test/sidecar-crash:latest";
    static final String GLIBC_IMAGE = "streamspace-test/sidecar-glibc:latest";
    static final String UNHEALTHY_IMAGE = "streamspace-test/sidecar-unhealthy:latest";
    static final String FLAKY_IMAGE = "streamspace-test/sidecar-flaky:latest";
    static final String BUSYBOX_IMAGE = System.getenv().getOrDefault(
            "TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE", "streamspace-test/busybox:latest");

    final DockerClients clients;
    private final DockerClient docker;
    private final List<String> created = new ArrayList<>();

    SupervisionTestContainers() {
        String host = System.getenv("DOCKER_HOST");
        clients = DockerClients.create(host == null || host.isBlank() ? DockerClients.DEFAULT_HOST : host);
        docker = clients.requests();
    }

    static String uniqueName(String prefix) {
        return "sst-wd-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates and starts a labelled container; the name is removed at {@link #close()} even if this fails. */
    String start(String name, String image, Map<String, String> env, String... cmd) {
        requireImage(image);
        created.add(name);
        var create = docker.createContainerCmd(image).withName(name).withLabels(Map.of(TEST_LABEL, "true"))
                .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        if (cmd.length > 0) {
            create.withCmd(cmd);
        }
        String id = create.exec().getId();
        docker.startContainerCmd(id).exec();
        return id;
    }

    /** Waits until the container's process has ended (the crashing images exit right after starting). */
    void awaitExited(String name) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> !Boolean.TRUE.equals(docker.inspectContainerCmd(name).exec().getState().getRunning()));
    }

    private void requireImage(String image) {
        try {
            docker.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            fail("Local test image " + image + " is missing. There is no registry to pull it from: run"
                    + " scripts/setup-env.sh (or scripts/test.sh), which builds it from testkit-images/.");
        }
    }

    @Override
    public void close() {
        try {
            for (String name : created) {
                try {
                    docker.removeContainerCmd(name).withForce(true).withRemoveVolumes(true).exec();
                } catch (NotFoundException gone) {
                    // never created, or already removed
                }
            }
        } finally {
            clients.close();
        }
    }
}
