package io.streamspace.agent.domain.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamspace.agent.domain.compose.ComposeFileException;
import io.streamspace.agent.domain.compose.ComposeParser;
import io.streamspace.agent.domain.compose.DotEnv;
import io.streamspace.agent.domain.compose.Interpolation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzing the Compose side of the domain: interpolation of any text, any {@code .env} text and any document tree
 * (maps, lists and scalars as a YAML parser gives them, with keys that are mostly real Compose keys) either succeed
 * or fail with a {@link ComposeFileException} naming what is wrong; never another exception. Each input checks all
 * three: the text part goes to interpolation and {@code .env}, the rest of the input chooses a tree.
 */
class ComposeFuzzTest {

    private static final Map<String, String> VARIABLES = Map.of("A", "1", "NAME", "web", "EMPTY", "", "DOLLAR", "$x");
    private static final String PATH = "services.web.image";

    private static final String[] KEYS = {"services", "networks", "volumes", "version", "name", "x-ext", "web", "db",
            "image", "command", "entrypoint", "environment", "env_file", "ports", "depends_on", "restart", "labels",
            "healthcheck", "deploy", "mem_limit", "cpus", "user", "working_dir", "container_name", "hostname",
            "cap_add", "cap_drop", "read_only", "security_opt", "profiles", "external", "driver", "test", "interval",
            "timeout", "retries", "start_period", "disable", "condition", "resources", "limits", "memory", "target",
            "published", "protocol", "source", "type", "build", "bad key", ""};
    private static final String[] SCALARS = {"busybox", "sleep 1", "127.0.0.1::80", "8080:80", "80/udp", "[::1]:1:2",
            "data:/data", "/a:/b:ro", "1.5", "512m", "1g", "10s", "1m30s", "always", "on-failure:3", "no", "-1",
            "${A}", "$$", "service_healthy", "CMD", "true", "", "a=b", "99999999999999999999"};
    private static final String[] SERVICE_NAMES = {"web", "db", "worker"};

    @FuzzTest(maxDuration = "8s")
    @DictionaryEntries({"$", "$$", "${", "}", "${A}", ":-", "-", ":?", "?", ":+", "+", "$A", "${NAME}", "\\", "=",
            "export ", "#", "\"", "'", "\\\"", "\\n"})
    void composeInput(FuzzedDataProvider data) {
        String text = data.consumeString(200);
        interpolationSucceedsOrFailsClearly(text);
        dotEnvParsesOrFailsClearly(text);
        anyDocumentParsesOrFailsClearly(document(data));
    }

    private static void interpolationSucceedsOrFailsClearly(String text) {
        try {
            String out = Interpolation.interpolate(text, PATH, VARIABLES);
            assertThat(out).isNotNull();
            if (!text.contains("$")) {
                assertThat(out).isEqualTo(text);
            }
        } catch (ComposeFileException e) {
            assertThat(e.getMessage()).startsWith(PATH);
        }
    }

    private static void dotEnvParsesOrFailsClearly(String text) {
        try {
            assertThat(DotEnv.parse(text, ".env")).isNotNull();
        } catch (ComposeFileException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    private static void anyDocumentParsesOrFailsClearly(Map<String, Object> document) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = (Map<String, Object>) Interpolation.interpolateTree(document, VARIABLES);
            assertThat(ComposeParser.parse(doc, VARIABLES, path -> Map.of("FROM_FILE", "1"))).isNotNull();
        } catch (ComposeFileException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** A document: mostly {@code services:} with a few services, sometimes any map, sometimes a wrong shape. */
    private static Map<String, Object> document(FuzzedDataProvider data) {
        Map<String, Object> doc = new LinkedHashMap<>();
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                Map<String, Object> services = new LinkedHashMap<>();
                int count = data.consumeInt(0, 3);
                for (int i = 0; i < count; i++) {
                    services.put(data.pickValue(SERVICE_NAMES), map(data, 5, 1));
                }
                doc.put("services", services);
                if (data.consumeBoolean()) {
                    doc.put(data.pickValue(KEYS), tree(data, 1));
                }
            }
            case 1 -> doc.putAll(map(data, 4, 0));
            default -> doc.put("services", List.of());
        }
        return doc;
    }

    private static Object tree(FuzzedDataProvider data, int depth) {
        int kind = depth >= 3 ? 0 : data.consumeInt(0, 2);
        return switch (kind) {
            case 1 -> map(data, 4, depth + 1);
            case 2 -> {
                List<Object> list = new ArrayList<>();
                int size = data.consumeInt(0, 3);
                for (int i = 0; i < size; i++) {
                    list.add(tree(data, depth + 1));
                }
                yield list;
            }
            default -> scalar(data);
        };
    }

    private static Map<String, Object> map(FuzzedDataProvider data, int maxSize, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        int size = data.consumeInt(0, maxSize);
        for (int i = 0; i < size; i++) {
            map.put(data.pickValue(KEYS), tree(data, depth));
        }
        return map;
    }

    private static Object scalar(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 5)) {
            case 0 -> data.pickValue(SCALARS);
            case 1 -> data.consumeInt(-2, 70_000);
            case 2 -> data.consumeBoolean();
            case 3 -> null;
            case 4 -> data.consumeRegularDouble(-1, 1e6);
            default -> data.consumeString(30);
        };
    }
}
