package io.streamspace.agent.domain.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code -f a.yml -f b.yml}: the later file over the earlier one, key by key, with docker-compose 1.29's rules. */
class ComposeMergeTest {

    @Test
    void scalarsAndCommandsAreReplacedMappingsMergeAndListFormsBecomeMappings() {
        Map<String, Object> base = Map.of("services", Map.of("web", map(
                "image", "busybox:1",
                "command", List.of("sleep", "10"),
                "environment", List.of("A=1", "B=2"),
                "labels", Map.of("x", "1"),
                "depends_on", List.of("db"),
                "healthcheck", Map.of("test", List.of("CMD", "true"), "interval", "30s"))));
        Map<String, Object> override = Map.of("services", Map.of("web", map(
                "image", "busybox:2",
                "command", List.of("sleep", "20"),
                "environment", Map.of("B", "3", "C", "4"),
                "labels", List.of("y=2"),
                "depends_on", Map.of("cache", Map.of("condition", "service_healthy")),
                "healthcheck", Map.of("interval", "5s"))));
        @SuppressWarnings("unchecked")
        Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) ComposeMerge.merge(List.of(base,
                override)).get("services")).get("web");
        assertThat(web.get("image")).isEqualTo("busybox:2");
        assertThat(web.get("command")).isEqualTo(List.of("sleep", "20"));
        assertThat(web.get("environment")).isEqualTo(Map.of("A", "1", "B", "3", "C", "4"));
        assertThat(web.get("labels")).isEqualTo(Map.of("x", "1", "y", "2"));
        assertThat(web.get("depends_on")).isEqualTo(Map.of("db", Map.of("condition", "service_started"),
                "cache", Map.of("condition", "service_healthy")));
        assertThat(web.get("healthcheck")).isEqualTo(Map.of("test", List.of("CMD", "true"), "interval", "5s"));
    }

    @Test
    void volumesMergeByContainerPathPortsAndCapabilitiesUniteEnvFilesConcatenate() {
        Map<String, Object> base = Map.of("services", Map.of("web", map(
                "image", "busybox",
                "volumes", List.of("data:/data", "./conf:/etc/app:ro"),
                "ports", List.of("127.0.0.1:8080:80"),
                "cap_add", List.of("NET_ADMIN"),
                "env_file", "a.env")));
        Map<String, Object> override = Map.of("services", Map.of("web", map(
                "volumes", List.of(Map.of("type", "bind", "source", "./other", "target", "/etc/app"), "/cache"),
                "ports", List.of("127.0.0.1:8080:80", "127.0.0.1:8443:443"),
                "cap_add", List.of("NET_ADMIN", "SYS_TIME"),
                "env_file", List.of("b.env"))));
        @SuppressWarnings("unchecked")
        Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) ComposeMerge.merge(List.of(base,
                override)).get("services")).get("web");
        assertThat(web.get("volumes")).isEqualTo(List.of("data:/data",
                Map.of("type", "bind", "source", "./other", "target", "/etc/app"), "/cache"));
        assertThat(web.get("ports")).isEqualTo(List.of("127.0.0.1:8080:80", "127.0.0.1:8443:443"));
        assertThat(web.get("cap_add")).isEqualTo(List.of("NET_ADMIN", "SYS_TIME"));
        assertThat(web.get("env_file")).isEqualTo(List.of("a.env", "b.env"));
        assertThat(web.get("image")).isEqualTo("busybox");
    }

    @Test
    void servicesNetworksAndVolumesOfEitherFileAreKeptAndTopLevelScalarsReplaced() {
        Map<String, Object> base = map("version", "3.8", "services", Map.of("a", Map.of("image", "x")),
                "networks", Map.of("front", Map.of("driver", "bridge", "labels", Map.of("k", "1"))),
                "volumes", Map.of("data", Map.of()));
        Map<String, Object> override = map("name", "demo", "services", Map.of("b", Map.of("image", "y")),
                "networks", Map.of("front", Map.of("labels", Map.of("j", "2")), "back", Map.of()));
        Map<String, Object> merged = ComposeMerge.merge(List.of(base, override));
        assertThat(merged.get("name")).isEqualTo("demo");
        assertThat(merged.get("version")).isEqualTo("3.8");
        assertThat(((Map<?, ?>) merged.get("services")).keySet()).isEqualTo(java.util.Set.of("a", "b"));
        assertThat(merged.get("networks")).isEqualTo(Map.of(
                "front", Map.of("driver", "bridge", "labels", Map.of("k", "1", "j", "2")), "back", Map.of()));
        assertThat(((Map<?, ?>) merged.get("volumes")).keySet()).isEqualTo(java.util.Set.of("data"));
    }

    @Test
    void oneFileComesBackAsItIsAndAShapeThatCannotMergeNamesItsPath() {
        Map<String, Object> only = map("services", Map.of("a", Map.of("image", "x")));
        assertThat(ComposeMerge.merge(List.of(only))).isEqualTo(only);
        assertThatThrownBy(() -> ComposeMerge.merge(List.of(only, map("services", Map.of("a", "oops")))))
                .isInstanceOf(ComposeFileException.class).hasMessageContaining("services.a");
        assertThatThrownBy(() -> ComposeMerge.merge(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
