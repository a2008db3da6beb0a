package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Version;
import org.junit.jupiter.api.Test;

/** Engine detection from {@code GET /version} and the translations of Podman's answers into Docker's words. */
class ContainerEngineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void onlyHexNamesUpTo64CharactersCouldBeTakenForAnId() {
        assertThat(ContainerEngine.couldBeIdPrefix("0632d97e0075")).isTrue();
        assertThat(ContainerEngine.couldBeIdPrefix("abc")).isTrue();
        assertThat(ContainerEngine.couldBeIdPrefix("a".repeat(64))).isTrue();
        assertThat(ContainerEngine.couldBeIdPrefix("a".repeat(65))).isFalse();
        assertThat(ContainerEngine.couldBeIdPrefix("streamspace-0632d97e")).isFalse();
        assertThat(ContainerEngine.couldBeIdPrefix("ABC")).isFalse();
        assertThat(ContainerEngine.couldBeIdPrefix("")).isFalse();
    }

    @Test
    void podmanIsRecognisedByItsComponentAndDockerIsTheRest() throws Exception {
        Version podman = JSON.readValue("""
                {"Platform":{"Name":"linux/amd64/debian-12"},"Components":[{"Name":"Podman Engine","Version":"4.3.1"},
                 {"Name":"Conmon","Version":"2.1.6"}],"Version":"4.3.1","ApiVersion":"1.41","MinAPIVersion":"1.24"}
                """, Version.class);
        Version docker = JSON.readValue("""
                {"Platform":{"Name":"Docker Engine - Community"},"Components":[{"Name":"Engine","Version":"20.10.24"},
                 {"Name":"containerd","Version":"1.6"}],"Version":"20.10.24","ApiVersion":"1.41"}
                """, Version.class);
        Version bare = JSON.readValue("{\"Version\":\"20.10.24\",\"ApiVersion\":\"1.41\"}", Version.class);

        assertThat(ContainerEngine.of(podman)).isEqualTo(ContainerEngine.PODMAN);
        assertThat(ContainerEngine.of(docker)).isEqualTo(ContainerEngine.DOCKER);
        assertThat(ContainerEngine.of(bare)).isEqualTo(ContainerEngine.DOCKER);
        assertThat(ContainerEngine.PODMAN.wireName()).isEqualTo("podman");
    }

    @Test
    void theExactNameFilterMatchesDockersSlashedNamesAndPodmansBareOnes() {
        String filter = ContainerEngine.exactNameFilter("streamspace-a.b");
        assertThat("/streamspace-a.b").matches(filter);
        assertThat("streamspace-a.b").matches(filter);
        assertThat("streamspace-aXb").doesNotMatch(filter);
        assertThat("/streamspace-a.b-2").doesNotMatch(filter);
    }

    @Test
    void podmansStatesAreReportedInDockersWords() {
        assertThat(ContainerEngine.dockerStatus("stopped", "unless-stopped", 3)).isEqualTo("restarting");
        assertThat(ContainerEngine.dockerStatus("stopped", "on-failure", 3)).isEqualTo("restarting");
        assertThat(ContainerEngine.dockerStatus("stopped", "on-failure", 0)).isEqualTo("exited");
        assertThat(ContainerEngine.dockerStatus("stopped", "no", 3)).isEqualTo("exited");
        assertThat(ContainerEngine.dockerStatus("configured", "no", 0)).isEqualTo("created");
        assertThat(ContainerEngine.dockerStatus("stopping", "no", 0)).isEqualTo("running");
        assertThat(ContainerEngine.dockerStatus("exited", "unless-stopped", 0)).isEqualTo("exited");
        assertThat(ContainerEngine.dockerStatus(null, null, 0)).isEqualTo("unknown");
    }

    @Test
    void imagesAreReportedAsRequested() {
        assertThat(ContainerEngine.requestedImage("localhost/streamspace-test/vnc-echo:latest"))
                .isEqualTo("streamspace-test/vnc-echo:latest");
        assertThat(ContainerEngine.requestedImage("docker.io/library/nginx:1.27")).isEqualTo("nginx:1.27");
        assertThat(ContainerEngine.requestedImage("docker.io/acme/app:1")).isEqualTo("acme/app:1");
        assertThat(ContainerEngine.requestedImage("registry.example.com:5000/app:1"))
                .isEqualTo("registry.example.com:5000/app:1");
    }
}
