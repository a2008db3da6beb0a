package io.streamspace.agent.domain.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.domain.compose.ServiceSpec.Condition;
import io.streamspace.agent.domain.compose.ServiceSpec.Mount;
import io.streamspace.agent.domain.compose.ServiceSpec.Port;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ComposeParserTest {

    private static ComposeModel parse(Map<String, Object> doc) {
        return ComposeParser.parse(doc, Map.of("FROM_SHELL", "shell"), path -> Map.of("FILE_VAR", "from " + path));
    }

    private static Map<String, Object> services(Map<String, Object> services) {
        return Map.of("services", services);
    }

    @Test
    void fullSubsetMapsToTheModel() {
        Map<String, Object> web = new LinkedHashMap<>();
        web.put("image", "busybox");
        web.put("command", "sh -c 'echo \"hi there\"'");
        web.put("entrypoint", List.of("/bin/sh"));
        web.put("env_file", ".web.env");
        web.put("environment", List.of("A=1", "FROM_SHELL", "NOT_SET"));
        web.put("ports", List.of("127.0.0.1:8080:80", "9000:90/udp", 7000,
                Map.of("target", 81, "published", 8081, "host_ip", "127.0.0.1")));
        web.put("volumes", List.of("data:/data:ro", "./conf:/conf", "/cache",
                Map.of("type", "volume", "source", "data", "target", "/d2")));
        web.put("networks", Map.of("front", Map.of("aliases", List.of("www")), "back", Map.of()));
        web.put("depends_on", Map.of("db", Map.of("condition", "service_healthy")));
        web.put("restart", "on-failure:3");
        web.put("labels", Map.of("team", "a"));
        web.put("healthcheck", Map.of("test", List.of("CMD", "true"), "interval", "1m30s", "timeout", "500ms",
                "retries", 3, "start_period", 5));
        web.put("deploy", Map.of("resources", Map.of("limits", Map.of("cpus", "0.5", "memory", "256m"))));
        web.put("user", "1000:1000");
        web.put("working_dir", "/srv");
        web.put("hostname", "web1");
        web.put("cap_add", List.of("NET_ADMIN"));
        web.put("cap_drop", List.of("ALL"));
        web.put("read_only", true);
        web.put("security_opt", List.of("no-new-privileges:true"));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", "3.8");
        doc.put("name", "shop");
        doc.put("x-common", Map.of("anything", 1));
        doc.put("services", Map.of("web", web, "db", Map.of("image", "busybox", "mem_limit", "1g", "cpus", 2,
                "profiles", List.of("full"), "depends_on", List.of())));
        doc.put("networks", Map.of("front", Map.of(), "back", Map.of("external", true)));
        doc.put("volumes", Map.of("data", Map.of("labels", List.of("k=v"))));

        ComposeModel model = parse(doc);

        assertThat(model.name()).isEqualTo("shop");
        ServiceSpec s = model.services().get("web");
        assertThat(s.command()).containsExactly("sh", "-c", "echo \"hi there\"");
        assertThat(s.entrypoint()).containsExactly("/bin/sh");
        assertThat(s.environment()).containsExactly(Map.entry("A", "1"), Map.entry("FILE_VAR", "from .web.env"),
                Map.entry("FROM_SHELL", "shell"));
        assertThat(s.ports()).containsExactly(new Port("127.0.0.1", 8080, 80, "tcp"), new Port(null, 9000, 90, "udp"),
                new Port(null, null, 7000, "tcp"), new Port("127.0.0.1", 8081, 81, "tcp"));
        assertThat(s.volumes()).containsExactly(new Mount("volume", "data", "/data", true),
                new Mount("bind", "./conf", "/conf", false), new Mount("volume", null, "/cache", false),
                new Mount("volume", "data", "/d2", false));
        assertThat(s.networks()).containsEntry("front", List.of("www")).containsEntry("back", List.of());
        assertThat(s.dependsOn()).containsEntry("db", Condition.SERVICE_HEALTHY);
        assertThat(s.healthcheck().interval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.healthcheck().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.healthcheck().startPeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.memoryLimit()).isEqualTo(256L << 20);
        assertThat(s.nanoCpus()).isEqualTo(500_000_000L);
        assertThat(s.readOnly()).isTrue();
        assertThat(model.services().get("db").memoryLimit()).isEqualTo(1L << 30);
        assertThat(model.services().get("db").nanoCpus()).isEqualTo(2_000_000_000L);
        assertThat(model.networks().get("back").external()).isTrue();
        assertThat(model.networks().get("back").engineName("shop")).isEqualTo("back");
        assertThat(model.networks().get("front").engineName("shop")).isEqualTo("shop_front");
        assertThat(model.volumes().get("data").labels()).containsEntry("k", "v");
        assertThat(model.startOrder()).containsExactly("db", "web");
        assertThat(model.withProfiles(Set.of("full")).services()).containsOnlyKeys("web", "db");
        assertThatThrownBy(() -> model.withProfiles(Set.of()))
                .hasMessage("services.web.depends_on.db: service db is not enabled by the active profiles []");
    }

    @Test
    void serviceWithoutNetworksJoinsTheImplicitDefaultNetwork() {
        ComposeModel model = parse(services(Map.of("web", Map.of("image", "busybox"))));
        assertThat(model.services().get("web").networks()).containsOnlyKeys("default");
        assertThat(model.networks().get("default").engineName("p")).isEqualTo("p_default");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "build | services.web.build: not supported by this engine",
            "network_mode | services.web.network_mode: not supported by this engine",
            "privileged | services.web.privileged: not supported by this engine",
            "scale | services.web.scale: not supported by this engine"})
    void unknownServiceKeysAreRefusedWithTheirPath(String key, String message) {
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "busybox", key, "x")))))
                .isInstanceOf(ComposeFileException.class).hasMessage(message);
    }

    @Test
    void nestedUnknownKeysAreRefusedWithTheirPath() {
        assertThatThrownBy(() -> parse(Map.of("configs", Map.of())))
                .hasMessage("configs: not supported by this engine");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b",
                "deploy", Map.of("replicas", 2)))))).hasMessage("services.web.deploy.replicas: not supported by this engine");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b",
                "deploy", Map.of("resources", Map.of("limits", Map.of("pids", 2))))))))
                .hasMessage("services.web.deploy.resources.limits.pids: not supported by this engine");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b",
                "healthcheck", Map.of("test", "true", "start_interval", "1s"))))))
                .hasMessage("services.web.healthcheck.start_interval: not supported by this engine");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b",
                "ports", List.of(Map.of("target", 80, "mode", "host")))))))
                .hasMessage("services.web.ports[0].mode: not supported by this engine");
        assertThatThrownBy(() -> parse(Map.of("services", Map.of("web", Map.of("image", "b")),
                "networks", Map.of("n", Map.of("ipam", Map.of())))))
                .hasMessage("networks.n.ipam: not supported by this engine");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b",
                "depends_on", Map.of("db", Map.of("condition", "service_started", "restart", true)))))))
                .hasMessage("services.web.depends_on.db.restart: not supported by this engine");
    }

    @Test
    void badValuesAreRefusedWithTheirPath() {
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("command", "x")))))
                .hasMessage("services.web.image: is required (this engine does not build images)");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b", "ports", List.of("1000-1010:80"))))))
                .hasMessageStartingWith("services.web.ports[0]: expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b", "restart", "sometimes")))))
                .hasMessageStartingWith("services.web.restart: must be no, always");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b", "volumes", List.of("data:/d"))))))
                .hasMessage("services.web.volumes[0]: volume data is not declared under the top-level volumes");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b", "networks", List.of("n"))))))
                .hasMessage("services.web.networks.n: network n is not declared under the top-level networks");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b", "depends_on", List.of("db"))))))
                .hasMessage("services.web.depends_on.db: depends on undefined service db");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b",
                "depends_on", Map.of("db", Map.of("condition", "service_ready")))))))
                .hasMessageStartingWith("services.web.depends_on.db.condition: must be service_started");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b", "healthcheck",
                Map.of("test", "true", "interval", "soon"))))))
                .hasMessageStartingWith("services.web.healthcheck.interval: expected a duration");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b", "mem_limit", "lots")))))
                .hasMessageStartingWith("services.web.mem_limit: expected a size");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b",
                "labels", Map.of("com.docker.compose.project", "x"))))))
                .hasMessageStartingWith("services.web.labels.com.docker.compose.project: labels under");
        assertThatThrownBy(() -> parse(services(Map.of("web", Map.of("image", "b", "environment", "A=1")))))
                .hasMessageStartingWith("services.web.environment: expected a mapping, got a string");
    }

    @Test
    void dependencyCycleIsRefused() {
        assertThatThrownBy(() -> parse(services(Map.of(
                "a", Map.of("image", "b", "depends_on", List.of("b")),
                "b", Map.of("image", "b", "depends_on", Map.of("c", Map.of("condition", "service_healthy"))),
                "c", Map.of("image", "b", "depends_on", List.of("a"))))))
                .isInstanceOf(ComposeFileException.class)
                .hasMessageContaining("dependency cycle")
                .hasMessageFindingMatch("(a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)");
        assertThatThrownBy(() -> parse(services(Map.of("a", Map.of("image", "b", "depends_on", List.of("a"))))))
                .hasMessage("services.a.depends_on: dependency cycle a -> a");
    }

    @Test
    void startOrderPutsDependenciesFirstAndKeepsFileOrderOtherwise() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("web", Map.of("image", "b", "depends_on", List.of("api")));
        s.put("api", Map.of("image", "b", "depends_on", List.of("db", "cache")));
        s.put("worker", Map.of("image", "b"));
        s.put("db", Map.of("image", "b"));
        s.put("cache", Map.of("image", "b"));
        assertThat(parse(services(s)).startOrder()).containsExactly("cache", "db", "api", "web", "worker");
    }

    @Test
    void configHashIsStableAndSensitiveToChanges() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("image", "busybox");
        a.put("environment", Map.of("A", "1", "B", "2"));
        a.put("labels", List.of("x=1", "y=2"));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("labels", Map.of("y", "2", "x", "1"));
        b.put("environment", List.of("B=2", "A=1"));
        b.put("image", "busybox");
        b.put("depends_on", List.of("other"));
        Map<String, Object> other = Map.of("image", "busybox");
        String hashA = ConfigHash.of(parse(services(Map.of("web", a, "other", other))).services().get("web"));
        String hashB = ConfigHash.of(parse(services(Map.of("web", b, "other", other))).services().get("web"));
        assertThat(hashA).hasSize(64).isEqualTo(hashB)
                .isEqualTo(ConfigHash.of(parse(services(Map.of("web", a, "other", other))).services().get("web")));
        Map<String, Object> changed = new LinkedHashMap<>(a);
        changed.put("environment", Map.of("A", "1", "B", "3"));
        assertThat(ConfigHash.of(parse(services(Map.of("web", changed))).services().get("web"))).isNotEqualTo(hashA);
    }

    @Test
    void sha256MatchesTheStandardTestVectors() {
        assertThat(ConfigHash.sha256Hex("")).isEqualTo(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(ConfigHash.sha256Hex("abc")).isEqualTo(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ConfigHash.sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).isEqualTo(
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        assertThat(ConfigHash.sha256Hex("\u00e9\u20ac\ud83d\ude00")).isEqualTo( // 2-, 3- and 4-byte UTF-8
                "df9226927fd572c1ee66eec85de1bb139497614899f36e4e90474cb71f6ef9d0");
    }
}
