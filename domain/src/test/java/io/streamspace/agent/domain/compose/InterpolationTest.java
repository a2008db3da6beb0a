package io.streamspace.agent.domain.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InterpolationTest {

    private static final Map<String, String> VARS = Map.of("TAG", "1.2", "EMPTY", "", "NAME", "web", "PORT", "8080");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
            "plain | plain",
            "img:$TAG | img:1.2",
            "img:${TAG} | img:1.2",
            "${UNSET} | ''",
            "$UNSET-x | -x",
            "${UNSET:-fallback} | fallback",
            "${EMPTY:-fallback} | fallback",
            "${TAG:-fallback} | 1.2",
            "${UNSET-fallback} | fallback",
            "${EMPTY-fallback} | ''",
            "${TAG:?needed} | 1.2",
            "${EMPTY?needed} | ''",
            "${TAG:+set} | set",
            "${EMPTY:+set} | ''",
            "${EMPTY+set} | set",
            "${UNSET+set} | ''",
            "$$HOME | $HOME",
            "a$${TAG}b | a${TAG}b",
            "${UNSET:-${NAME}-${PORT}} | web-8080",
            "${UNSET:-a:b-c} | a:b-c",
            "${NAME}_${PORT} | web_8080",
            "$NAME.$PORT | web.8080"})
    void interpolates(String text, String expected) {
        assertThat(Interpolation.interpolate(text, "services.web.image", VARS)).isEqualTo(expected == null ? "" : expected);
    }

    @Test
    void requiredVariableNamesKeyPathVariableAndMessage() {
        assertThatThrownBy(() -> Interpolation.interpolate("${DB_PASSWORD:?set the database password}",
                "services.db.environment.PASSWORD", VARS))
                .isInstanceOf(ComposeFileException.class)
                .hasMessage("services.db.environment.PASSWORD: required variable DB_PASSWORD is not set:"
                        + " set the database password");
        assertThatThrownBy(() -> Interpolation.interpolate("${EMPTY:?}", "x", VARS))
                .hasMessage("x: required variable EMPTY is empty");
        assertThatThrownBy(() -> Interpolation.interpolate("${UNSET?gone}", "x", VARS))
                .hasMessage("x: required variable UNSET is not set: gone");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "${TAG | never closed",
            "${} | does not start with a variable name",
            "${1X} | does not start with a variable name",
            "${TAG:x} | unknown modifier ':x'",
            "${TAG#x} | unknown modifier '#'",
            "cost 5$ | lone '$'",
            "a $ b | '$' followed by ' '"})
    void invalidFormatsAreRefusedWithPathAndText(String text, String why) {
        assertThatThrownBy(() -> Interpolation.interpolate(text, "services.web.command", VARS))
                .isInstanceOf(ComposeFileException.class)
                .hasMessageStartingWith("services.web.command: invalid interpolation in \"" + text + "\"")
                .hasMessageContaining(why)
                .extracting(e -> ((ComposeFileException) e).path()).isEqualTo("services.web.command");
    }

    @Test
    void treeInterpolatesValuesNotKeysAndTracksPaths() {
        Map<String, Object> tree = Map.of("services", Map.of("web", Map.of(
                "image", "busybox:${TAG}", "ports", List.of("${PORT}:80", 9090), "read_only", true,
                "${NAME}", "key stays")));
        @SuppressWarnings("unchecked")
        Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                Interpolation.interpolateTree(tree, VARS)).get("services")).get("web");
        assertThat(web).containsEntry("image", "busybox:1.2").containsEntry("ports", List.of("8080:80", 9090))
                .containsEntry("read_only", true).containsEntry("${NAME}", "key stays");

        assertThatThrownBy(() -> Interpolation.interpolateTree(
                Map.of("services", Map.of("web", Map.of("ports", List.of("1", "${X:?port}")))), VARS))
                .hasMessage("services.web.ports[1]: required variable X is not set: port");
    }

    @Test
    void dotEnvFile() {
        Map<String, String> env = DotEnv.parse("""
                # comment
                TAG=1.2
                export NAME = web
                QUOTED="a b\\n#c"
                SINGLE='$x # y'
                INLINE=value # trailing comment
                EMPTY=
                """, ".env");
        assertThat(env).containsEntry("TAG", "1.2").containsEntry("NAME", "web").containsEntry("QUOTED", "a b\n#c")
                .containsEntry("SINGLE", "$x # y").containsEntry("INLINE", "value").containsEntry("EMPTY", "");
        assertThatThrownBy(() -> DotEnv.parse("A=1\nJUSTAKEY\n", ".env"))
                .hasMessage(".env line 2: expected KEY=VALUE, got \"JUSTAKEY\"");
        assertThatThrownBy(() -> DotEnv.parse("A=\"open\n", ".env")).hasMessageContaining("unterminated double quote");
    }
}
