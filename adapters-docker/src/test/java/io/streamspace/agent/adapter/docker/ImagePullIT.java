package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.NotFoundException;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.testkit.registry.LocalRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DockerSessionRuntime#pullImage} against a real registry on 127.0.0.1 with htpasswd auth: credentials come
 * from a {@code config.json} in a temporary Docker config directory, as {@code docker login} would leave them.
 */
class ImagePullIT {

    private static final String USER = "agent";
    private static final String PASSWORD = "s3cret-" + UUID.randomUUID().toString().substring(0, 8);

    private static LocalRegistry registry;
    private static DockerClients clients;
    private static String image;

    @TempDir
    Path dockerConfig;

    @BeforeAll
    static void pushAnImageToAFreshRegistry() throws Exception {
        clients = DockerClients.create(DockerTestSupport.host());
        DockerTestSupport.requireImage(clients, DockerTestSupport.BUSYBOX_IMAGE);
        registry = LocalRegistry.start(USER, PASSWORD);
        String tag = "it-" + UUID.randomUUID().toString().substring(0, 8);
        // docker CLI tag + push with the registry's credentials; the local tag is removed again (busybox stays)
        image = registry.push(DockerTestSupport.BUSYBOX_IMAGE, "streamspace-test/busybox", tag);
    }

    @AfterAll
    static void stopRegistry() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            clients.close();
        }
    }

    @AfterEach
    void removePulledImage() {
        removeLocal(image);
    }

    @Test
    void pullsWithBase64AuthFromConfigJson() throws Exception {
        writeConfig("{\"auths\":{\"" + registry.address() + "\":{\"auth\":\"" + base64(USER + ":" + PASSWORD) + "\"}}}");
        DockerSessionRuntime runtime = DockerSessionRuntime.connect(clients, dockerConfig);
        assertThat(runtime.imagePresent(image)).isFalse();
        List<String> progress = new CopyOnWriteArrayList<>();

        runtime.pullImage(image, progress::add);

        assertThat(runtime.imagePresent(image)).isTrue();
        assertThat(progress).isNotEmpty().anySatisfy(line -> assertThat(line).contains("Downloaded newer image"));
    }

    @Test
    void pullsWithUsernameAndPasswordUnderAnHttpsKey() throws Exception {
        writeConfig("{\"auths\":{\"https://" + registry.address() + "/v2/\":{\"username\":\"" + USER
                + "\",\"password\":\"" + PASSWORD + "\"}},\"credsStore\":\"\"}");
        DockerSessionRuntime runtime = DockerSessionRuntime.connect(clients, dockerConfig);

        runtime.pullImage(image, line -> { });

        assertThat(runtime.imagePresent(image)).isTrue();
    }

    @Test
    void aWrongPasswordFailsWithTheRegistrysReason() throws IOException {
        writeConfig("{\"auths\":{\"" + registry.address() + "\":{\"auth\":\"" + base64(USER + ":wrong") + "\"}}}");
        DockerSessionRuntime runtime = DockerSessionRuntime.connect(clients, dockerConfig);

        assertThatThrownBy(() -> runtime.pullImage(image, line -> { }))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageStartingWith("Image " + image + " not found and could not be pulled from " + registry.address())
                .hasMessageContaining("credentials: user 'agent' from " + dockerConfig.resolve("config.json"))
                .hasMessageContaining("unauthorized")
                .hasMessageNotContaining("wrong")
                .hasMessageNotContaining("\n");
        assertThat(runtime.imagePresent(image)).isFalse();
    }

    @Test
    void withoutCredentialsThePullFailsAndSaysNoneWereFound() {
        DockerSessionRuntime runtime = DockerSessionRuntime.connect(clients, dockerConfig); // no config.json

        assertThatThrownBy(() -> runtime.pullImage(image, line -> { }))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("no credentials for " + registry.address() + " in "
                        + dockerConfig.resolve("config.json"))
                .hasMessageContaining("no basic auth credentials");
        assertThat(runtime.imagePresent(image)).isFalse();
    }

    @Test
    void aRepositoryTheRegistryDoesNotHaveFailsWithTheRegistrysReason() throws IOException {
        writeConfig("{\"auths\":{\"" + registry.address() + "\":{\"auth\":\"" + base64(USER + ":" + PASSWORD) + "\"}}}");
        DockerSessionRuntime runtime = DockerSessionRuntime.connect(clients, dockerConfig);
        String missing = registry.address() + "/streamspace-test/never-pushed:1";

        assertThatThrownBy(() -> runtime.pullImage(missing, line -> { }))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageStartingWith("Image " + missing + " not found and could not be pulled from " + registry.address())
                .hasMessageContaining("not found");
        assertThat(runtime.imagePresent(missing)).isFalse();
    }

    private void writeConfig(String json) throws IOException {
        Files.writeString(dockerConfig.resolve("config.json"), json, StandardCharsets.UTF_8);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void removeLocal(String reference) {
        try {
            clients.requests().removeImageCmd(reference).exec();
        } catch (NotFoundException alreadyGone) {
            // not pulled (or already removed)
        }
    }
}
