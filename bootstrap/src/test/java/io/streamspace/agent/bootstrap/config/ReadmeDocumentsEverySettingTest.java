package io.streamspace.agent.bootstrap.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the operators' contract: every setting the code knows must be in it. */
class ReadmeDocumentsEverySettingTest {

    @Test
    void everyFlagAndEnvironmentVariableIsInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Setting setting : Setting.values()) {
            assertThat(readme).as("README documents " + setting.flag()).contains("`" + setting.flag() + "`");
            for (String env : setting.environment()) {
                assertThat(readme).as("README documents " + env).contains(env);
            }
        }
    }
}
