package io.streamspace.agent.adapter.http.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.application.port.out.InMemorySessionRuntime;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.application.port.out.TokenSource;
import io.streamspace.agent.domain.compose.ComposeModel;
import io.streamspace.agent.domain.compose.ServiceSpec;
import io.streamspace.agent.domain.compose.ServiceSpec.Condition;
import io.streamspace.agent.domain.sidecar.RequestVerifier;
import io.streamspace.agent.domain.sidecar.Scope;
import io.streamspace.agent.domain.sidecar.VerifierLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link StackRuntime} port over the signed local API: {@link RemoteStackRuntime} against a real
 * {@link SignedSidecarServer} with a fake stack runtime behind it. Every operation round-trips with its arguments
 * (the whole Compose model included) and its result; stack mutations need {@code stacks:write}.
 */
class RemoteStackRuntimeTest {

    private static final String WRITER = "agent-1";
    private static final String SESSIONS_ONLY = "sessions-only";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TokenSource TOKENS = id -> Optional.of("stack-token");

    private final FakeStackRuntime fake = new FakeStackRuntime();
    private SignedSidecarServer server;

    @BeforeEach
    void start() throws Exception {
        server = SignedSidecarServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InMemorySessionRuntime(), fake,
                new RequestVerifier(Map.of(WRITER, Scope.all(),
                        SESSIONS_ONLY, Set.of(Scope.SESSIONS_READ, Scope.SESSIONS_WRITE)), VerifierLimits.DEFAULTS),
                TOKENS, JSON, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void upCarriesTheWholeModelAndContextAndReturnsTheResult() throws Exception {
        ComposeModel model = richModel();
        var context = new StackRuntime.ProjectContext("p1", "/srv/p1", List.of("/srv/p1/compose.yml"));

        StackRuntime.UpResult result = remote(WRITER).up(model, context);

        assertThat(fake.lastModel).isEqualTo(model);
        assertThat(fake.lastModel.toString()).isEqualTo(model.toString()); // the config hash's normal form
        assertThat(fake.lastContext).isEqualTo(context);
        assertThat(result).isEqualTo(new StackRuntime.UpResult("p1", List.of("web"), List.of(), List.of("db"),
                List.of("web")));
    }

    @Test
    void everyOtherOperationRoundTrips() throws Exception {
        RemoteStackRuntime remote = remote(WRITER);

        assertThat(remote.down("p1", true)).isEqualTo(new StackRuntime.DownResult("p1", List.of("p1-web-1"),
                List.of("p1_default"), List.of("p1_data")));
        assertThat(remote.ps("p1")).containsExactly(new StackRuntime.StackContainer("c1", "p1-web-1", "web", 1,
                "busybox", "running", null, null, "hash"));
        assertThat(remote.logs("p1", "web", 5)).isEqualTo("p1/web/5\nline two\n");
        assertThat(remote.restart("p1", List.of("web"))).containsExactly("restart:p1:[web]");
        assertThat(remote.stop("p1", List.of())).containsExactly("stop:p1:[]");
        assertThat(remote.start("p1", List.of("web", "db"))).containsExactly("start:p1:[web, db]");
        assertThat(remote.pull(richModel())).containsExactly("busybox:1.36", "postgres:16");
        assertThat(fake.lastModel).isEqualTo(richModel());
        assertThat(fake.calls).containsExactly("down p1 true", "ps p1", "logs p1 web 5", "restart", "stop",
                "start", "pull");
    }

    @Test
    void aRuntimeErrorComesBackWithTheSidecarsMessage() {
        assertThatThrownBy(() -> remote(WRITER).down("broken", false))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("no such project broken");
    }

    @Test
    void anAgentWithoutStacksWriteIsRefused403ButMayReadStacks() {
        RemoteStackRuntime remote = remote(SESSIONS_ONLY);

        assertThatThrownBy(() -> remote.up(richModel(), new StackRuntime.ProjectContext("p1", null, null)))
                .isInstanceOfSatisfying(SignedSidecarClient.SidecarRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.error()).isEqualTo("operation outside scopes");
                });
        assertThatThrownBy(() -> remote.down("p1", false))
                .isInstanceOfSatisfying(SignedSidecarClient.SidecarRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> remote.stop("p1", List.of()))
                .isInstanceOfSatisfying(SignedSidecarClient.SidecarRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(403));
        assertThat(fake.calls).isEmpty();
        assertThat(remote.ps("p1")).hasSize(1); // reading needs sessions:read only
    }

    @Test
    void aSidecarWithoutAStackRuntimeAnswers501() throws Exception {
        try (SignedSidecarServer sessionsOnly = SignedSidecarServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new InMemorySessionRuntime(),
                new RequestVerifier(Map.of(WRITER, Scope.all()), VerifierLimits.DEFAULTS), TOKENS, JSON,
                Clock.systemUTC())) {
            RemoteStackRuntime remote = new RemoteStackRuntime(new SignedSidecarClient(
                    URI.create("http://127.0.0.1:" + sessionsOnly.port()), WRITER, TOKENS, JSON, Clock.systemUTC()));
            assertThatThrownBy(() -> remote.ps("p1"))
                    .isInstanceOfSatisfying(SignedSidecarClient.SidecarRefusedException.class,
                            e -> assertThat(e.status()).isEqualTo(501));
        }
    }

    private RemoteStackRuntime remote(String agent) {
        return new RemoteStackRuntime(new SignedSidecarClient(URI.create("http://127.0.0.1:" + server.port()),
                agent, TOKENS, JSON, Clock.systemUTC()));
    }

    /** Every field of the model set, so a field the wire forgets shows. */
    static ComposeModel richModel() {
        var web = new ServiceSpec("web", "busybox:1.36", List.of("sh", "-c", "sleep 300"), List.of("/bin/sh"),
                Map.of("A", "1", "B", "two words"),
                List.of(new ServiceSpec.Port("127.0.0.1", 8080, 80, "tcp"), new ServiceSpec.Port(null, null, 90, "udp")),
                List.of(new ServiceSpec.Mount("volume", "data", "/data", true),
                        new ServiceSpec.Mount("bind", "./conf", "/conf", false),
                        new ServiceSpec.Mount("volume", null, "/cache", false)),
                Map.of("front", List.of("www"), "default", List.of()),
                Map.of("db", Condition.SERVICE_HEALTHY), "unless-stopped", Map.of("tier", "web"),
                null, 64L * 1024 * 1024, 500_000_000L, "1000:1000", "/app", "web-container", "web-host",
                List.of("NET_ADMIN"), List.of("ALL"), true, List.of("no-new-privileges:true"), List.of());
        var db = new ServiceSpec("db", "postgres:16", null, null, Map.of(), List.of(), List.of(), Map.of(),
                Map.of(), null, Map.of(),
                new ServiceSpec.Healthcheck(List.of("CMD-SHELL", "pg_isready"), Duration.ofSeconds(5),
                        Duration.ofMillis(1500), 3, null),
                null, null, null, null, null, null, List.of(), List.of(), false, List.of(), List.of("db"));
        Map<String, ServiceSpec> services = new LinkedHashMap<>();
        services.put("web", web);
        services.put("db", db);
        Map<String, ComposeModel.NetworkSpec> networks = new LinkedHashMap<>();
        networks.put("default", new ComposeModel.NetworkSpec("default", false, null, null, Map.of()));
        networks.put("front", new ComposeModel.NetworkSpec("front", true, "shared-front", "bridge",
                Map.of("x", "y")));
        return new ComposeModel("named", services, networks,
                Map.of("data", new ComposeModel.VolumeSpec("data", false, null, "local", Map.of("k", "v"))));
    }

    /** Records what it was asked and answers with values derived from the arguments. */
    static final class FakeStackRuntime implements StackRuntime {
        final List<String> calls = new ArrayList<>();
        volatile ComposeModel lastModel;
        volatile ProjectContext lastContext;

        @Override
        public synchronized UpResult up(ComposeModel model, ProjectContext context) {
            lastModel = model;
            lastContext = context;
            return new UpResult(context.project(), List.of("web"), List.of(), List.of("db"), List.of("web"));
        }

        @Override
        public synchronized DownResult down(String project, boolean removeVolumes) {
            if (project.equals("broken")) {
                throw new RuntimeOperationException("no such project " + project);
            }
            calls.add("down " + project + " " + removeVolumes);
            return new DownResult(project, List.of(project + "-web-1"), List.of(project + "_default"),
                    removeVolumes ? List.of(project + "_data") : List.of());
        }

        @Override
        public synchronized List<StackContainer> ps(String project) {
            calls.add("ps " + project);
            return List.of(new StackContainer("c1", project + "-web-1", "web", 1, "busybox", "running", null, null,
                    "hash"));
        }

        @Override
        public synchronized String logs(String project, String service, int tail) {
            calls.add("logs " + project + " " + service + " " + tail);
            return project + "/" + service + "/" + tail + "\nline two\n";
        }

        @Override
        public synchronized List<String> restart(String project, List<String> services) {
            calls.add("restart");
            return List.of("restart:" + project + ":" + services);
        }

        @Override
        public synchronized List<String> stop(String project, List<String> services) {
            calls.add("stop");
            return List.of("stop:" + project + ":" + services);
        }

        @Override
        public synchronized List<String> start(String project, List<String> services) {
            calls.add("start");
            return List.of("start:" + project + ":" + services);
        }

        @Override
        public synchronized List<String> pull(ComposeModel model) {
            calls.add("pull");
            lastModel = model;
            return model.services().values().stream().map(ServiceSpec::image).toList();
        }
    }
}
