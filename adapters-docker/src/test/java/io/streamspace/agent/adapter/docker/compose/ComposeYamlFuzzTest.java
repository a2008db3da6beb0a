package io.streamspace.agent.adapter.docker.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.compose.ComposeFileException;
import io.streamspace.agent.domain.compose.ComposeParser;
import io.streamspace.agent.domain.compose.Interpolation;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing Compose files end to end as {@code stack up} reads them: YAML text (real fragments recombined, cut
 * short, or random) through {@link ComposeYaml}, {@link Interpolation} and {@link ComposeParser}. Every input is
 * either a model or a {@link ComposeFileException} with a message; never another exception.
 */
class ComposeYamlFuzzTest {

    private final ComposeYaml yaml = new ComposeYaml();

    @Property(tries = 300)
    void anyTextIsAModelOrAClearError(@ForAll("composeText") String text) {
        try {
            Map<String, Object> document = yaml.read(text, "compose.yml");
            @SuppressWarnings("unchecked")
            Map<String, Object> interpolated = (Map<String, Object>) Interpolation.interpolateTree(document,
                    Map.of("TAG", "1"));
            assertThat(ComposeParser.parse(interpolated, Map.of("TAG", "1"), ComposeParser.EnvFiles.NONE))
                    .isNotNull();
        } catch (ComposeFileException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> composeText() {
        Arbitrary<String> fragments = Arbitraries.of(
                "services:", "  web:", "    image: busybox:${TAG}", "    image: [1, 2]", "    command: sleep 1",
                "    command: [\"sh\", \"-c\", \"x\"]", "    ports: [\"127.0.0.1::80\"]", "    ports:",
                "      - target: 80", "        published: 8080", "      - \"70000:80\"", "      - \"a:b:c:d\"",
                "    depends_on: [db]", "    depends_on:", "      db: {condition: service_healthy}",
                "    healthcheck: {test: [\"CMD\", \"true\"], interval: 1s}", "    healthcheck: {interval: 1x}",
                "    mem_limit: 1g", "    mem_limit: lots", "    cpus: 0.5", "    cpus: -1", "    restart: always",
                "    restart: sometimes", "    environment:", "      - A=1", "      B: ${TAG:?missing}",
                "    volumes: [\"data:/data\"]", "    volumes: [\"/x\"]", "  db:", "    image: busybox",
                "volumes:", "  data: {}", "networks:", "  back: {external: true}", "version: \"3.9\"",
                "x-anchor: &a {image: busybox}", "  other: *a", "  merged: {<<: *a}", "  bad: *nothing",
                "!!binary AAAA", "? complex key", ": value", "- list at top", "\t tab", "'", "\"", "{", "[",
                "key: value: other", "services: null", "services: []", "services: {web: null}",
                "    deploy: {resources: {limits: {memory: 1g, cpus: '2'}}}", "    build: .");
        Arbitrary<String> recombined = fragments.list().ofMinSize(1).ofMaxSize(12).map(l -> String.join("\n", l));
        return Arbitraries.oneOf(recombined,
                recombined.flatMap(t -> Arbitraries.integers().between(0, t.length()).map(n -> t.substring(0, n))),
                Arbitraries.strings().ofMaxLength(120),
                Arbitraries.integers().between(1, 2000).map(n -> "a: " + "[".repeat(n)),
                Arbitraries.integers().between(1, 200).map(n -> String.join("\n", List.of(
                        "x: &a [1]", "y: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
                        "z: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]")) + "\nw: [" + "*c, ".repeat(n) + "*c]"));
    }
}
