package io.streamspace.agent.adapter.docker.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime.DownResult;
import io.streamspace.agent.application.port.out.StackRuntime.StackContainer;
import io.streamspace.agent.application.port.out.StackRuntime.UpResult;
import io.streamspace.agent.application.service.stack.StackDefinition;
import io.streamspace.agent.application.service.stack.StackService;
import io.streamspace.agent.domain.compose.ComposeFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native Compose engine on the real Docker engine, and its interoperability with Debian's docker-compose 1.29:
 * each side lists and takes down a stack the other brought up.
 */
class ComposeStackIT {

    static final String IMAGE = System.getenv().getOrDefault("TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE",
            "streamspace-test/busybox:latest");
    static final String DOCKER_COMPOSE = "/usr/bin/docker-compose";

    private DockerClients clients;
    private DockerStackRuntime runtime;
    private StackService stacks;
    private final List<String> projects = new ArrayList<>();
    @TempDir
    Path dir;

    @BeforeEach
    void connect() {
        String host = System.getenv("DOCKER_HOST");
        clients = DockerClients.create(host == null || host.isBlank() ? DockerClients.DEFAULT_HOST : host);
        try {
            clients.requests().inspectImageCmd(IMAGE).exec();
        } catch (NotFoundException e) {
            throw new AssertionError("Local test image " + IMAGE + " is missing: run scripts/setup-env.sh", e);
        }
        runtime = new DockerStackRuntime(clients, null, Duration.ofSeconds(60), Duration.ofSeconds(1));
        stacks = new StackService(runtime, new ComposeYaml());
    }

    @AfterEach
    void cleanUp() {
        for (String project : projects) {
            try {
                runtime.down(project, true);
            } catch (RuntimeException e) {
                // best effort; the assertion that failed says more
            }
        }
        clients.close();
    }

    private String project(String what) {
        String name = "sst-compose-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
        projects.add(name);
        return name;
    }

    private UpResult up(String project, String yaml, Map<String, String> env) throws InterruptedException {
        return stacks.deploy(new StackDefinition(project, yaml, "compose.yml", env, null, Set.of(), dir.toString(),
                new DirectoryEnvFiles(dir)));
    }

    private Map<String, StackContainer> byService(String project) {
        return runtime.ps(project).stream().collect(Collectors.toMap(StackContainer::service, c -> c));
    }

    private static final String TWO_SERVICES = """
            services:
              web:
                image: %s
                command: ["sh", "-c", "httpd -f -p 8080 -h /tmp"]
                ports: ["127.0.0.1::8080"]
                environment:
                  ROLE: web
                labels:
                  io.streamspace.test: compose
              worker:
                image: %s
                command: sleep 3600
                environment:
                  ROLE: ${WORKER_ROLE:-worker}
                volumes: ["data:/data"]
                networks: [default, back]
            networks:
              back: {}
            volumes:
              data: {}
            """.formatted(IMAGE, IMAGE);

    @Test
    void upIsIdempotentAndRecreatesOnlyTheChangedService() throws Exception {
        String p = project("idem");
        UpResult first = up(p, TWO_SERVICES, Map.of());
        assertThat(first.created()).containsExactly("web", "worker");
        Map<String, StackContainer> before = byService(p);
        assertThat(before.values()).extracting(StackContainer::state).containsOnly("running");
        assertThat(before.get("web").name()).isEqualTo(p + "-web-1");
        InspectContainerResponse web = clients.requests().inspectContainerCmd(before.get("web").id()).exec();
        assertThat(web.getConfig().getLabels()).containsEntry("com.docker.compose.project", p)
                .containsEntry("com.docker.compose.service", "web").containsEntry("com.docker.compose.oneoff", "False")
                .containsEntry("com.docker.compose.container-number", "1")
                .containsEntry("com.docker.compose.project.working_dir", dir.toString())
                .containsEntry("com.docker.compose.project.config_files", "compose.yml")
                .containsKey("com.docker.compose.config-hash").containsEntry("io.streamspace.test", "compose");
        assertThat(web.getNetworkSettings().getPorts().getBindings().values().iterator().next()[0].getHostIp())
                .isEqualTo("127.0.0.1");
        InspectContainerResponse worker = clients.requests().inspectContainerCmd(before.get("worker").id()).exec();
        assertThat(worker.getNetworkSettings().getNetworks()).containsOnlyKeys(p + "_default", p + "_back");
        assertThat(worker.getNetworkSettings().getNetworks().get(p + "_back").getAliases()).contains("worker");
        assertThat(worker.getNetworkSettings().getNetworks().get(p + "_default").getAliases()).contains("worker");
        assertThat(worker.getMounts()).anySatisfy(m -> assertThat(m.getName()).isEqualTo(p + "_data"));

        UpResult second = up(p, TWO_SERVICES, Map.of());
        assertThat(second.unchanged()).containsExactly("web", "worker");
        assertThat(second.created()).isEmpty();
        assertThat(second.recreated()).isEmpty();
        assertThat(byService(p).get("web").id()).isEqualTo(before.get("web").id());
        assertThat(byService(p).get("worker").id()).isEqualTo(before.get("worker").id());

        UpResult third = up(p, TWO_SERVICES, Map.of("WORKER_ROLE", "batch"));
        assertThat(third.recreated()).containsExactly("worker");
        assertThat(third.unchanged()).containsExactly("web");
        Map<String, StackContainer> after = byService(p);
        assertThat(after.get("web").id()).isEqualTo(before.get("web").id());
        assertThat(after.get("worker").id()).isNotEqualTo(before.get("worker").id());
        assertThat(clients.requests().inspectContainerCmd(after.get("worker").id()).exec().getConfig().getEnv())
                .contains("ROLE=batch");
        assertThat(runtime.ps(p)).hasSize(2);
    }

    @Test
    void aStoppedContainerOfTheSameConfigurationIsStartedAgainNotReportedUnchanged() throws Exception {
        String p = project("restart");
        up(p, TWO_SERVICES, Map.of());
        Map<String, StackContainer> before = byService(p);
        clients.requests().stopContainerCmd(before.get("worker").id()).withTimeout(1).exec();

        UpResult again = up(p, TWO_SERVICES, Map.of());
        assertThat(again.started()).containsExactly("worker");
        assertThat(again.unchanged()).containsExactly("web");
        Map<String, StackContainer> after = byService(p);
        assertThat(after.get("worker").id()).isEqualTo(before.get("worker").id());
        assertThat(after.values()).extracting(StackContainer::state).containsOnly("running");
    }

    @Test
    void dependsOnServiceHealthyAndCompletedSuccessfullyOrderTheStart() throws Exception {
        String p = project("health");
        String yaml = """
                services:
                  app:
                    image: %1$s
                    command: sleep 3600
                    depends_on:
                      db: {condition: service_healthy}
                      init: {condition: service_completed_successfully}
                  db:
                    image: %1$s
                    command: sleep 3600
                    healthcheck:
                      test: ["CMD", "true"]
                      interval: 500ms
                      timeout: 2s
                      retries: 3
                  init:
                    image: %1$s
                    command: ["sh", "-c", "echo migrated"]
                """.formatted(IMAGE);
        up(p, yaml, Map.of());
        Map<String, StackContainer> ps = byService(p);
        assertThat(ps.get("db").health()).isEqualTo("healthy");
        assertThat(ps.get("init").state()).isEqualTo("exited");
        assertThat(ps.get("init").exitCode()).isZero();
        assertThat(ps.get("app").state()).isEqualTo("running");

        InspectContainerResponse db = clients.requests().inspectContainerCmd(ps.get("db").id()).exec();
        InspectContainerResponse app = clients.requests().inspectContainerCmd(ps.get("app").id()).exec();
        InspectContainerResponse init = clients.requests().inspectContainerCmd(ps.get("init").id()).exec();
        Instant appStarted = Instant.parse(app.getState().getStartedAt());
        Instant firstHealthy = db.getState().getHealth().getLog().stream()
                .filter(l -> l.getExitCodeLong() == 0).map(l -> Instant.parse(l.getEnd())).min(Instant::compareTo)
                .orElseThrow();
        assertThat(appStarted).isAfterOrEqualTo(firstHealthy);
        assertThat(appStarted).isAfterOrEqualTo(Instant.parse(init.getState().getFinishedAt()));
        assertThat(runtime.logs(p, "init", 10)).contains("migrated");
    }

    @Test
    void unhealthyDependencyFailsTheUpWithTheReason() {
        String p = project("unhealthy");
        String yaml = """
                services:
                  app:
                    image: %1$s
                    command: sleep 3600
                    depends_on: {db: {condition: service_healthy}}
                  db:
                    image: %1$s
                    command: sleep 3600
                    healthcheck: {test: ["CMD", "false"], interval: 300ms, retries: 1}
                """.formatted(IMAGE);
        assertThatThrownBy(() -> up(p, yaml, Map.of())).isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("service app depends on db (service_healthy), which is unhealthy");
        // As with Compose v2, every container is created before any starts: app's exists and was never started.
        assertThat(byService(p)).containsOnlyKeys("db", "app");
        assertThat(byService(p).get("app").state()).isEqualTo("created");
    }

    @Test
    void stopStartRestartAndDownWithAndWithoutVolumes() throws Exception {
        String p = project("down");
        up(p, TWO_SERVICES, Map.of());
        assertThat(runtime.stop(p, List.of("worker"))).containsExactly(p + "-worker-1");
        assertThat(byService(p).get("worker").state()).isEqualTo("exited");
        assertThat(byService(p).get("web").state()).isEqualTo("running");
        assertThat(runtime.start(p, List.of())).hasSize(2);
        assertThat(byService(p).get("worker").state()).isEqualTo("running");
        String startedAt = clients.requests().inspectContainerCmd(byService(p).get("web").id()).exec().getState()
                .getStartedAt();
        runtime.restart(p, List.of("web"));
        assertThat(clients.requests().inspectContainerCmd(byService(p).get("web").id()).exec().getState()
                .getStartedAt()).isNotEqualTo(startedAt);

        DownResult down = runtime.down(p, false);
        assertThat(down.containers()).containsExactlyInAnyOrder(p + "-web-1", p + "-worker-1");
        assertThat(down.networks()).containsExactlyInAnyOrder(p + "_default", p + "_back");
        assertThat(down.volumes()).isEmpty();
        assertThat(runtime.ps(p)).isEmpty();
        assertThat(clients.requests().inspectVolumeCmd(p + "_data").exec().getName()).isEqualTo(p + "_data");
        assertThat(runtime.down(p, true).volumes()).containsExactly(p + "_data");
        assertThatThrownBy(() -> clients.requests().inspectVolumeCmd(p + "_data").exec())
                .isInstanceOf(NotFoundException.class);
        assertThat(clients.requests().listNetworksCmd().withNameFilter(p).exec()).isEmpty();
    }

    @Test
    void downStopsDependentsBeforeWhatTheyDependOn() throws Exception {
        String p = project("order");
        // each service writes its name into a host directory when it is asked to stop
        String service = """
                  %s:
                    image: %s
                    command: ["sh", "-c", "trap 'echo %s >> /order/stopped; exit 0' TERM; while true; do sleep 0.1; done"]
                    volumes: ["%s:/order"]
                """;
        String yaml = "services:\n"
                + service.formatted("web", IMAGE, "web", dir) + "    depends_on: [api]\n"
                + service.formatted("api", IMAGE, "api", dir) + "    depends_on: [db, cache]\n"
                + service.formatted("worker", IMAGE, "worker", dir) + "    depends_on: [db]\n"
                + service.formatted("db", IMAGE, "db", dir)
                + service.formatted("cache", IMAGE, "cache", dir);
        up(p, yaml, Map.of());
        assertThat(clients.requests().inspectContainerCmd(p + "-api-1").exec().getConfig().getLabels())
                .containsEntry("com.docker.compose.depends_on", "cache:service_started:false,db:service_started:false");

        DownResult down = runtime.down(p, false);

        assertThat(down.containers()).containsExactly(p + "-web-1", p + "-worker-1", p + "-api-1", p + "-cache-1",
                p + "-db-1");
        List<String> stopped = Files.readAllLines(dir.resolve("stopped"));
        assertThat(stopped).containsExactlyInAnyOrder("web", "api", "worker", "db", "cache");
        assertThat(stopped.indexOf("web")).isLessThan(stopped.indexOf("api"));
        assertThat(stopped.indexOf("api")).isLessThan(stopped.indexOf("db")).isLessThan(stopped.indexOf("cache"));
        assertThat(stopped.indexOf("worker")).isLessThan(stopped.indexOf("db"));
    }

    @Test
    void unsupportedKeysAreRefusedBeforeAnythingIsCreated() {
        String p = project("refused");
        assertThatThrownBy(() -> up(p, "services:\n  web:\n    image: x\n    build: .\n", Map.of()))
                .isInstanceOf(ComposeFileException.class).hasMessage("services.web.build: not supported by this engine");
        assertThatThrownBy(() -> up(p, "services:\n  web: [unclosed\n", Map.of()))
                .hasMessageContaining("compose.yml is not a YAML mapping at line");
        assertThat(runtime.ps(p)).isEmpty();
    }

    @Test
    void networksAndVolumesOfTheSameNameThatTheStackDoesNotOwnAreNeverTakenOver() throws Exception {
        String p = project("foreign-network");
        String yaml = """
                services:
                  app:
                    image: %s
                    command: sleep 3600
                    volumes: ["data:/data"]
                    networks: [back]
                networks:
                  back: {}
                volumes:
                  data: {}
                """.formatted(IMAGE);
        String network = clients.requests().createNetworkCmd().withName(p + "_back")
                .withLabels(Map.of("owner", "someone-else")).exec().getId();
        try {
            assertThatThrownBy(() -> up(p, yaml, Map.of())).isInstanceOf(RuntimeOperationException.class)
                    .hasMessage("network " + p + "_back exists but does not belong to project " + p
                            + " (its labels: {owner=someone-else}); declare it external or remove it");
        } finally {
            clients.requests().removeNetworkCmd(network).exec();
        }
        // another project: that up created its volume while it looked at the network
        String q = project("foreign-volume");
        clients.requests().createVolumeCmd().withName(q + "_data").withLabels(Map.of("owner", "someone-else")).exec();
        try {
            assertThatThrownBy(() -> up(q, yaml, Map.of())).isInstanceOf(RuntimeOperationException.class)
                    .hasMessage("volume " + q + "_data exists but does not belong to project " + q
                            + " (its labels: {owner=someone-else}); declare it external or remove it");
            assertThat(runtime.ps(q)).isEmpty();
        } finally {
            clients.requests().removeVolumeCmd(q + "_data").exec();
        }
    }

    @Test
    void externalNetworksAndVolumesMustExist() {
        String p = project("external");
        String missing = "sst-missing-" + UUID.randomUUID().toString().substring(0, 8);
        assertThatThrownBy(() -> up(p, """
                services:
                  app:
                    image: %s
                    volumes: ["data:/data"]
                volumes:
                  data:
                    external: true
                    name: %s/../../containers/json
                """.formatted(IMAGE, missing), Map.of())).isInstanceOf(RuntimeOperationException.class)
                .hasMessage("volume " + missing + "/../../containers/json is declared external but does not exist;"
                        + " create it first");
        assertThatThrownBy(() -> up(p, """
                services:
                  app:
                    image: %s
                    networks: [outside]
                networks:
                  outside:
                    external: true
                    name: %s
                """.formatted(IMAGE, missing), Map.of())).isInstanceOf(RuntimeOperationException.class)
                .hasMessage("network " + missing + " is declared external but does not exist; create it first");
        assertThat(runtime.ps(p)).isEmpty();
    }

    // --- interoperability with docker-compose 1.29 ----------------------------------------------------------------

    private static final String INTEROP = """
            services:
              web:
                image: %1$s
                command: sleep 3600
                volumes: ["data:/data"]
              db:
                image: %1$s
                command: sleep 3600
            volumes:
              data: {}
            """.formatted(IMAGE);

    private String dockerCompose(String project, String... args) throws IOException, InterruptedException {
        Path file = dir.resolve("compose.yml");
        Files.writeString(file, INTEROP);
        List<String> command = new ArrayList<>(List.of(DOCKER_COMPOSE, "--no-ansi", "-p", project, "-f",
                file.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output;
        try (var in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("docker-compose %s finished", command).isTrue();
        assertThat(process.exitValue()).as("docker-compose %s exit code; output:%n%s", command, output).isZero();
        return output;
    }

    @Test
    void dockerComposeListsAndTakesDownAStackThisEngineBroughtUp() throws Exception {
        String p = project("ours");
        up(p, INTEROP, Map.of());
        String ps = dockerCompose(p, "ps");
        assertThat(ps).contains(p + "-web-1", p + "-db-1").contains("Up");

        String down = dockerCompose(p, "down", "-v", "-t", "1");
        assertThat(down).contains("Removing " + p + "-web-1", "Removing network " + p + "_default",
                "Removing volume " + p + "_data");
        assertThat(runtime.ps(p)).isEmpty();
        assertThat(clients.requests().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("com.docker.compose.project", p)).exec()).isEmpty();
        assertThat(clients.requests().listNetworksCmd().withNameFilter(p).exec()).isEmpty();
    }

    @Test
    void thisEngineListsAndTakesDownAStackDockerComposeBroughtUp() throws Exception {
        String p = project("theirs");
        dockerCompose(p, "up", "-d", "--no-build");
        List<StackContainer> ps = runtime.ps(p);
        assertThat(ps).extracting(StackContainer::service).containsExactly("db", "web");
        assertThat(ps).extracting(StackContainer::state).containsOnly("running");
        assertThat(ps).extracting(StackContainer::name).containsExactly(p + "_db_1", p + "_web_1");

        // Our up over their stack: their config hash differs from ours, so ours replaces the containers.
        UpResult up = up(p, INTEROP, Map.of());
        assertThat(up.recreated()).containsExactlyInAnyOrder("db", "web");

        DownResult down = runtime.down(p, true);
        assertThat(down.containers()).hasSize(2);
        assertThat(down.networks()).containsExactly(p + "_default");
        assertThat(down.volumes()).containsExactly(p + "_data");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runtime.ps(p)).isEmpty());
        assertThat(dockerCompose(p, "ps")).doesNotContain(p + "_");
    }
}
