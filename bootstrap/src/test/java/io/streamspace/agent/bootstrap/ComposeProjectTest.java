package io.streamspace.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.domain.compose.ComposeFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project docker-compose 1.29 would find from the same global options (checked against it by hand: a
 * {@code .env} beside the first file, not in the working directory; names lower-cased with only a-z 0-9 _ - kept;
 * COMPOSE_PROJECT_NAME read from the environment and from .env; top-level {@code name} refused by 1.29 itself).
 */
class ComposeProjectTest {

    private static final BiFunction<String, Path, String> NAME = (text, file) ->
            text.lines().filter(l -> l.startsWith("name:")).map(l -> l.substring(5).strip()).findFirst().orElse(null);

    @TempDir
    Path work;
    private Path dir;

    @BeforeEach
    void files() throws IOException {
        dir = Files.createDirectories(work.resolve("My.Proj Dir"));
        Files.writeString(dir.resolve("a.yml"), "services: {}\n");
        Files.writeString(dir.resolve("b.yml"), "services: {}\n");
    }

    private ComposeProject resolve(ComposeProject.Options options, Map<String, String> env) {
        return ComposeProject.resolve(options, env, work, NAME);
    }

    @Test
    void theNameComesFromTheFirstFilesDirectoryNormalisedAndTheFilesKeepTheirOrder() {
        ComposeProject project = resolve(new ComposeProject.Options(List.of("My.Proj Dir/b.yml", "My.Proj Dir/a.yml"),
                null, null, null), Map.of());
        assertThat(project.name()).isEqualTo("myprojdir");
        assertThat(project.nameGiven()).isFalse();
        assertThat(project.directory()).isEqualTo(dir);
        assertThat(project.files()).containsExactly(dir.resolve("b.yml"), dir.resolve("a.yml"));
    }

    @Test
    void dashPWinsOverTheEnvironmentWhichWinsOverDotEnvWhichWinsOverTheTopLevelName() throws IOException {
        Files.writeString(dir.resolve("a.yml"), "name: fromfile\nservices: {}\n");
        var options = new ComposeProject.Options(List.of("My.Proj Dir/a.yml"), null, null, null);
        assertThat(resolve(options, Map.of()).name()).isEqualTo("fromfile");
        Files.writeString(dir.resolve(".env"), "COMPOSE_PROJECT_NAME=From.DotEnv\n");
        assertThat(resolve(options, Map.of()).name()).isEqualTo("fromdotenv");
        assertThat(resolve(options, Map.of("COMPOSE_PROJECT_NAME", "From_Env")).name()).isEqualTo("from_env");
        ComposeProject given = resolve(new ComposeProject.Options(List.of("My.Proj Dir/a.yml"), "Given-Name!", null,
                null), Map.of("COMPOSE_PROJECT_NAME", "From_Env"));
        assertThat(given.name()).isEqualTo("given-name");
        assertThat(given.nameGiven()).isTrue();
        assertThat(ComposeProject.normalise("...")).isEqualTo("default");
    }

    @Test
    void dotEnvIsReadFromTheProjectDirectoryOrTheEnvFileAndAMissingEnvFileIsAnError() throws IOException {
        Files.writeString(dir.resolve(".env"), "A=beside\n");
        Files.writeString(work.resolve(".env"), "A=workdir\n");
        Files.writeString(work.resolve("other.env"), "A=other\n");
        var files = List.of("My.Proj Dir/a.yml");
        assertThat(resolve(new ComposeProject.Options(files, null, null, null), Map.of()).dotEnv()).isEqualTo("A=beside\n");
        ComposeProject moved = resolve(new ComposeProject.Options(files, null, ".", null), Map.of());
        assertThat(moved.dotEnv()).isEqualTo("A=workdir\n");
        assertThat(moved.name()).isEqualTo(ComposeProject.normalise(work.getFileName().toString()));
        assertThat(resolve(new ComposeProject.Options(files, null, null, "other.env"), Map.of()).dotEnv())
                .isEqualTo("A=other\n");
        assertThatThrownBy(() -> resolve(new ComposeProject.Options(files, null, null, "missing.env"), Map.of()))
                .isInstanceOf(ComposeFileException.class).hasMessageContaining("missing.env");
        assertThatThrownBy(() -> resolve(new ComposeProject.Options(List.of("nope.yml"), null, null, null), Map.of()))
                .isInstanceOf(ComposeFileException.class).hasMessageContaining("nope.yml");
    }

    @Test
    void withoutDashFTheComposeFileVariableThenTheDefaultFileAndItsOverrideAreUsed() throws IOException {
        var none = new ComposeProject.Options(List.of(), null, null, null);
        assertThat(ComposeProject.resolve(none, Map.of(), dir, NAME).files()).isEmpty();
        Files.writeString(dir.resolve("docker-compose.yml"), "services: {}\n");
        Files.writeString(dir.resolve("docker-compose.override.yml"), "services: {}\n");
        assertThat(ComposeProject.resolve(none, Map.of(), dir, NAME).files())
                .containsExactly(dir.resolve("docker-compose.yml"), dir.resolve("docker-compose.override.yml"));
        assertThat(ComposeProject.resolve(none, Map.of("COMPOSE_FILE", "a.yml:b.yml"), dir, NAME).files())
                .containsExactly(dir.resolve("a.yml"), dir.resolve("b.yml"));
        assertThat(ComposeProject.resolve(none, Map.of("COMPOSE_FILE", "a.yml;b.yml", "COMPOSE_PATH_SEPARATOR", ";"),
                dir, NAME).files()).containsExactly(dir.resolve("a.yml"), dir.resolve("b.yml"));
    }
}
