package io.streamspace.agent.adapter.docker;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.exception.NotFoundException;
import java.util.UUID;

/** What the integration tests share: the engine they use and the local test images they expect. */
final class DockerTestSupport {

    /** Built from testkit-images/busybox by scripts/setup-env.sh; there is no registry to pull from. */
    static final String BUSYBOX_IMAGE = System.getenv().getOrDefault(
            "TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE", "streamspace-test/busybox:latest");

    /** Label every test object carries, so a crashed run's leftovers are easy to find and remove. */
    static final String TEST_LABEL = "io.streamspace.test";

    private DockerTestSupport() {}

    static String host() {
        String host = System.getenv("DOCKER_HOST");
        return host == null || host.isBlank() ? DockerClients.DEFAULT_HOST : host;
    }

    static String uniqueName(String prefix) {
        return "sst-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Fails (does not skip) with the fix when a local test image is missing. */
    static void requireImage(DockerClients clients, String image) {
        try {
            clients.requests().inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            fail("Local test image " + image + " is missing. There is no registry to pull it from: run"
                    + " scripts/setup-env.sh (or scripts/test.sh), which builds it from testkit-images/.");
        }
    }
}
