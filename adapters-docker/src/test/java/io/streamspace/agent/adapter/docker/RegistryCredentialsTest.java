package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.AuthConfig;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** config.json → AuthConfig, and which registry an image name points to. */
class RegistryCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void decodesBase64AuthForTheExactRegistryKey() throws IOException {
        write("{\"auths\":{\"other:5000\":{\"auth\":\"" + b64("x:y") + "\"},"
                + "\"127.0.0.1:5000\":{\"auth\":\"" + b64("alice:pa:ss") + "\"}}}");

        AuthConfig auth = new RegistryCredentials(dir).forRegistry("127.0.0.1:5000").orElseThrow().authConfig();

        assertThat(auth.getUsername()).isEqualTo("alice");
        assertThat(auth.getPassword()).as("only the first colon separates").isEqualTo("pa:ss");
        assertThat(auth.getRegistryAddress()).isEqualTo("127.0.0.1:5000");
    }

    @Test
    void acceptsUsernameAndPasswordFieldsUnderAUrlKey() throws IOException {
        write("{\"auths\":{\"https://registry.example.com/v1/\":{\"username\":\"bob\",\"password\":\"pw\"}}}");

        var found = new RegistryCredentials(dir).forRegistry("registry.example.com").orElseThrow();

        assertThat(found.authConfig().getUsername()).isEqualTo("bob");
        assertThat(found.authConfig().getPassword()).isEqualTo("pw");
        assertThat(found.description()).isEqualTo("user 'bob' from " + dir.resolve("config.json"))
                .doesNotContain("pw");
    }

    @Test
    void dockerHubIsFoundUnderItsLegacyIndexKey() throws IOException {
        write("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("carol:pw") + "\"}}}");

        var found = new RegistryCredentials(dir).forRegistry(RegistryCredentials.registryOf("library/ubuntu:24.04"));

        assertThat(found).get().extracting(f -> f.authConfig().getUsername()).isEqualTo("carol");
    }

    @Test
    void anIdentityTokenIsPassedOn() throws IOException {
        write("{\"auths\":{\"ghcr.io\":{\"identitytoken\":\"tok\"}}}");

        AuthConfig auth = new RegistryCredentials(dir).forRegistry("ghcr.io").orElseThrow().authConfig();

        assertThat(auth.getIdentitytoken()).isEqualTo("tok");
        assertThat(auth.getUsername()).isNull();
    }

    @Test
    void noFileNoEntryOrAnEmptyHelperEntryMeanNoCredentials() throws IOException {
        assertThat(new RegistryCredentials(dir).forRegistry("ghcr.io")).isEmpty();

        write("{\"auths\":{\"ghcr.io\":{}},\"credsStore\":\"desktop\"}");
        assertThat(new RegistryCredentials(dir).forRegistry("ghcr.io")).isEmpty();
        assertThat(new RegistryCredentials(dir).forRegistry("quay.io")).isEmpty();
    }

    @Test
    void aBrokenFileIsAnErrorThatNamesIt() throws IOException {
        write("{\"auths\": ");

        assertThatThrownBy(() -> new RegistryCredentials(dir).forRegistry("ghcr.io"))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageStartingWith("Cannot read registry credentials from " + dir.resolve("config.json") + ": ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anAuthThatIsNotBase64IsAnErrorThatNamesTheEntry() throws IOException {
        write("{\"auths\":{\"ghcr.io\":{\"auth\":\"%%%\"}}}");

        assertThatThrownBy(() -> new RegistryCredentials(dir).forRegistry("ghcr.io"))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("credentials for ghcr.io in " + dir.resolve("config.json"))
                .hasMessageContaining("not base64");
    }

    @ParameterizedTest
    @CsvSource({
            "busybox, docker.io",
            "library/busybox:1.36, docker.io",
            "lscr.io/linuxserver/firefox:latest, lscr.io",
            "127.0.0.1:5000/team/app, 127.0.0.1:5000",
            "localhost/app:1, localhost",
            "team/app@sha256:abc, docker.io",
    })
    void registryOfFollowsTheDockerCliRule(String image, String registry) {
        assertThat(RegistryCredentials.registryOf(image)).isEqualTo(registry);
    }

    @ParameterizedTest
    @CsvSource({
            "busybox, busybox, latest",
            "lscr.io/linuxserver/firefox:1.2, lscr.io/linuxserver/firefox, 1.2",
            "127.0.0.1:5000/app, 127.0.0.1:5000/app, latest",
            "127.0.0.1:5000/app:7, 127.0.0.1:5000/app, 7",
            "app@sha256:0123, app, sha256:0123",
            "app:1@sha256:0123, app, sha256:0123",
    })
    void imageReferencesSplitIntoRepositoryAndTagOrDigest(String image, String repository, String tag) {
        assertThat(DockerImages.ImageReference.parse(image))
                .isEqualTo(new DockerImages.ImageReference(repository, tag));
    }

    private void write(String json) throws IOException {
        Files.writeString(dir.resolve("config.json"), json, StandardCharsets.UTF_8);
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
