package io.streamspace.agent.adapter.docker.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamspace.agent.domain.compose.ComposeFileException;
import io.streamspace.agent.domain.compose.ComposeParser;
import io.streamspace.agent.domain.compose.Interpolation;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing Compose files end to end as {@code stack up} reads them: YAML text through {@link ComposeYaml},
 * {@link Interpolation} and {@link ComposeParser}. Every input is either a model or a {@link ComposeFileException}
 * with a message; never another exception. Seeds (real Compose files, anchors, broken fragments) are in
 * {@code ComposeYamlFuzzTestInputs/composeText}.
 */
class ComposeYamlFuzzTest {

    private static final Map<String, String> VARIABLES = Map.of("TAG", "1");

    private final ComposeYaml yaml = new ComposeYaml();

    @FuzzTest(maxDuration = "8s")
    @DictionaryEntries({"services:", "image:", "command:", "ports:", "depends_on:", "condition:", "healthcheck:",
            "mem_limit:", "cpus:", "restart:", "environment:", "volumes:", "networks:", "deploy:", "resources:",
            "limits:", "external:", "build:", "env_file:", "profiles:", "&a", "*a", "<<:", "!!binary", "? ", ": ",
            "- ", "${TAG}", "${TAG:?missing}", "[", "]", "{", "}", "'", "\""})
    void composeText(byte[] input) {
        anyTextIsAModelOrAClearError(new String(input, StandardCharsets.UTF_8));
    }

    private void anyTextIsAModelOrAClearError(String text) {
        try {
            Map<String, Object> document = yaml.read(text, "compose.yml");
            @SuppressWarnings("unchecked")
            Map<String, Object> interpolated = (Map<String, Object>) Interpolation.interpolateTree(document, VARIABLES);
            assertThat(ComposeParser.parse(interpolated, VARIABLES, ComposeParser.EnvFiles.NONE)).isNotNull();
        } catch (ComposeFileException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    // Inputs larger than the fuzzer's default length (4096 bytes) or too structured to be found in a short run.
    @Test
    void deepNestingIsAClearError() {
        for (int depth : new int[] {1, 100, 2000, 20_000}) {
            anyTextIsAModelOrAClearError("a: " + "[".repeat(depth));
            anyTextIsAModelOrAClearError("services:\n  web:\n    image: " + "[".repeat(depth) + "]".repeat(depth));
        }
    }

    @Test
    void aliasBombsAreAClearError() {
        for (int n : new int[] {1, 50, 200}) {
            anyTextIsAModelOrAClearError("x: &a [1]\ny: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                    + "z: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nw: [" + "*c, ".repeat(n) + "*c]");
        }
    }
}
