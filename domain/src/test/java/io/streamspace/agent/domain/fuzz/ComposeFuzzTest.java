package io.streamspace.agent.domain.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.compose.ComposeFileException;
import io.streamspace.agent.domain.compose.ComposeParser;
import io.streamspace.agent.domain.compose.DotEnv;
import io.streamspace.agent.domain.compose.Interpolation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing the Compose side: interpolation of any text, any {@code .env} text and any document tree (maps, lists
 * and scalars as a YAML parser gives them, with keys that are mostly real Compose keys) either succeed or fail
 * with a {@link ComposeFileException} naming what is wrong; never another exception.
 */
class ComposeFuzzTest {

    private static final Map<String, String> VARIABLES = Map.of("A", "1", "NAME", "web", "EMPTY", "", "DOLLAR", "$x");

    @Property(tries = 500)
    void interpolationSucceedsOrFailsClearly(@ForAll("interpolationText") String text) {
        try {
            String out = Interpolation.interpolate(text, "services.web.image", VARIABLES);
            assertThat(out).isNotNull();
            if (!text.contains("$")) {
                assertThat(out).isEqualTo(text);
            }
        } catch (ComposeFileException e) {
            assertThat(e.getMessage()).startsWith("services.web.image");
        }
    }

    @Property(tries = 500)
    void dotEnvParsesOrFailsClearly(@ForAll("dotEnvText") String text) {
        try {
            assertThat(DotEnv.parse(text, ".env")).isNotNull();
        } catch (ComposeFileException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 250)
    void anyDocumentParsesOrFailsClearly(@ForAll("documents") Map<String, Object> document) {
        try {
            Object interpolated = Interpolation.interpolateTree(document, VARIABLES);
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = (Map<String, Object>) interpolated;
            assertThat(ComposeParser.parse(doc, VARIABLES, path -> Map.of("FROM_FILE", "1"))).isNotNull();
        } catch (ComposeFileException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> interpolationText() {
        Arbitrary<String> pieces = Arbitraries.of("$", "$$", "${", "}", "${A}", "${A:-x}", "${A-x}", "${A:?err}",
                "${A?err}", "${A:+y}", "${A+y}", "${MISSING:?need it}", "$A", "${", "${}", "${:-}", "${A:-${NAME}}",
                "${A:-${", "{", "a", " ", "\\", "${1}", "$1", "${A:}", "${A!}", "é", "\u0000");
        return pieces.list().ofMaxSize(8).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> dotEnvText() {
        Arbitrary<String> lines = Arbitraries.of("A=1", "export B=2", "# comment", "C=\"quoted\"", "D='single'",
                "E=\"unterminated", "=novalue", "F", "G = spaced ", "H=\"multi\nline\"", "I=${A}", "J=$$", "K=\\",
                "", " ", "L=\"esc\\\"aped\"", "export", "M='", "\t", "N=\"a\" # c").list().ofMaxSize(6)
                .map(l -> String.join("\n", l));
        return Arbitraries.oneOf(lines, Arbitraries.strings().ofMaxLength(40));
    }

    @Provide
    Arbitrary<Map<String, Object>> documents() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                Arbitraries.of("busybox", "sleep 1", "127.0.0.1::80", "8080:80", "80/udp", "[::1]:1:2", "data:/data",
                        "/a:/b:ro", "1.5", "512m", "1g", "10s", "1m30s", "always", "on-failure:3", "no", "-1",
                        "${A}", "$$", "service_healthy", "CMD", "true", "", "a=b", "99999999999999999999")
                        .map(s -> (Object) s),
                Arbitraries.integers().between(-2, 70000).map(i -> (Object) i),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(null),
                Arbitraries.doubles().between(-1, 1e6).map(d -> (Object) d));
        Arbitrary<String> keys = Arbitraries.of("services", "networks", "volumes", "version", "name", "x-ext", "web",
                "db", "image", "command", "entrypoint", "environment", "env_file", "ports", "depends_on", "restart",
                "labels", "healthcheck", "deploy", "mem_limit", "cpus", "user", "working_dir", "container_name",
                "hostname", "cap_add", "cap_drop", "read_only", "security_opt", "profiles", "external", "driver",
                "test", "interval", "timeout", "retries", "start_period", "disable", "condition", "resources",
                "limits", "memory", "target", "published", "protocol", "source", "type", "build", "bad key", "");
        Arbitrary<Object> tree = Arbitraries.recursive(() -> scalar, inner -> Arbitraries.oneOf(
                Arbitraries.maps(keys, inner).ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m)),
                inner.list().ofMaxSize(3).map(l -> (Object) l)), 0, 3);
        Arbitrary<Map<String, Object>> service = Arbitraries.maps(keys, tree).ofMaxSize(5);
        Arbitrary<Map<String, Object>> services = Arbitraries.maps(Arbitraries.of("web", "db", "worker"), service
                .map(m -> (Object) m)).ofMaxSize(3).map(LinkedHashMap::new);
        return Arbitraries.oneOf(
                services.map(s -> {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("services", s);
                    return doc;
                }),
                Arbitraries.maps(keys, tree).ofMaxSize(4).map(LinkedHashMap::new),
                Arbitraries.just(new LinkedHashMap<>(Map.of("services", List.of()))));
    }
}
