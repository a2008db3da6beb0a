package io.streamspace.agent.bootstrap.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.testkit.registry.DockerCli;
import io.streamspace.agent.testkit.registry.LocalRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The MCP gateway end to end, with the SDK's own client, against the real Docker engine: every tool's success and
 * error path, the policy (a disabled destructive tool, label-scoped refusals), schema errors, metrics, and 20
 * concurrent calls that leave nothing behind. A subclass provides the transport (Streamable HTTP in the
 * compose-agent role, stdio through the jar).
 *
 * <p>The fixture (made with docker-java, every object labelled {@code io.streamspace.test=<run>}): a session container
 * of this run's agent id whose logs print its secret token, a managed worker container, and a foreign container and
 * a foreign Compose project without the agent's labels.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class McpGatewaySuite {

    static final String IMAGE = "streamspace-test/busybox:latest";
    static final String TEST_LABEL = "io.streamspace.test";
    /** Every destructive tool: the main client may use them all. */
    static final String ALL_DESTRUCTIVE = "container_stop,container_restart,session_hibernate,stack_up,stack_down";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String agentId = "mcp-it-" + run;
    final String sessionId = "mcpit-" + run;
    final String sessionContainer = "streamspace-" + sessionId;
    final String worker = "sst-mcp-" + run + "-worker";
    final String foreign = "sst-mcp-" + run + "-foreign";
    final String foreignProject = "mcpforeign" + run;
    final String secretToken = "tok-" + UUID.randomUUID();
    final Map<String, String> testLabels = Map.of(TEST_LABEL, "mcp-it-" + run);
    final ObjectMapper json = new ObjectMapper();
    DockerClients docker;
    private final List<String> created = new ArrayList<>();

    /** The client of a gateway with every destructive tool allowed. */
    abstract McpSyncClient client();

    /** A new client of a new gateway with the default policy (no destructive tool allowed). */
    abstract Restricted defaultPolicyClient() throws Exception;

    /** A client and the gateway it talks to, closed together. */
    record Restricted(McpSyncClient client, AutoCloseable gateway) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                client.close();
            } finally {
                gateway.close();
            }
        }
    }

    /** The gateway process's status API (for /api/v1/metrics). */
    abstract URI statusApi();

    /** What the gateway process holds right now, for the leak check. */
    abstract Usage usage() throws Exception;

    /**
     * Threads, open sockets and child processes of the gateway's process.
     *
     * @param sockets the open sockets, without the connections the test's own MCP client keeps open to the gateway:
     *                how many of those stay open is up to the client's keep-alive pool (Jetty closes them after
     *                five idle minutes), and bursts of concurrent calls grow that pool unevenly
     * @param socketKinds the open sockets by kind (mcp-client, tcp, unix, unlisted), for the failure message
     * @param threadNames thread counts by name with digits removed, for the failure message
     */
    record Usage(long threads, long sockets, long processes, Map<String, Long> socketKinds,
                 Map<String, Long> threadNames) {}

    /** Thread counts by name, digits removed (pool-7-thread-3 and pool-8-thread-1 are one kind). */
    static Map<String, Long> byKind(Stream<String> names) {
        return names.map(n -> n.replaceAll("[0-9]+", "#")).collect(Collectors.groupingBy(n -> n, TreeMap::new,
                Collectors.counting()));
    }

    @BeforeAll
    void createTheFixture() {
        docker = DockerClients.create(DockerClients.DEFAULT_HOST);
        Map<String, String> owner = new HashMap<>(testLabels);
        owner.put("streamspace.managed", "true");
        owner.put("streamspace.agent.id", agentId);
        Map<String, String> session = new HashMap<>(owner);
        session.put("streamspace.session.id", sessionId);
        session.put("streamspace.session.user", "alice");
        session.put("streamspace.session.template", "firefox");
        container(sessionContainer, session, List.of("API_TOKEN=" + secretToken), "echo \"token is $API_TOKEN\"");
        container(worker, owner, List.of(), "echo worker up");
        container(foreign, testLabels, List.of(), "echo foreign");
        Map<String, String> foreignStack = new HashMap<>(testLabels);
        foreignStack.put("com.docker.compose.project", foreignProject);
        foreignStack.put("com.docker.compose.service", "app");
        container("sst-mcp-" + run + "-foreign-stack", foreignStack, List.of(), "echo foreign stack");
    }

    @AfterAll
    void removeTheFixture() {
        for (String id : created) {
            try {
                docker.requests().removeContainerCmd(id).withForce(true).exec();
            } catch (NotFoundException gone) {
                // removed already
            }
        }
        docker.close();
    }

    private void container(String name, Map<String, String> labels, List<String> env, String greeting) {
        String script = "trap 'exit 0' TERM; " + greeting + "; while true; do sleep 1 & wait $!; done";
        String id = docker.requests().createContainerCmd(IMAGE).withName(name).withLabels(labels).withEnv(env)
                .withCmd("sh", "-c", script)
                .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withNetworkMode("none"))
                .exec().getId();
        created.add(id);
        docker.requests().startContainerCmd(id).exec();
    }

    // --- listing and the policy ------------------------------------------------------------------------------

    @Test
    void everyToolIsListedWithASchemaADescriptionAndAllFourAnnotations() {
        List<McpSchema.Tool> tools = client().listTools().tools();

        assertThat(tools).hasSizeGreaterThanOrEqualTo(15);
        assertThat(tools).extracting(McpSchema.Tool::name).contains("container_list", "container_inspect",
                "container_logs", "container_stats", "container_start", "container_stop", "container_restart",
                "session_list", "session_inspect", "session_hibernate", "session_wake", "stack_up", "stack_down",
                "stack_ps", "stack_logs", "image_list", "image_pull", "engine_info");
        for (McpSchema.Tool tool : tools) {
            assertThat(tool.description()).as(tool.name()).hasSizeGreaterThan(40);
            assertThat(tool.inputSchema().get("type")).as(tool.name()).isEqualTo("object");
            assertThat(tool.inputSchema().get("additionalProperties")).as(tool.name()).isEqualTo(false);
            McpSchema.ToolAnnotations a = tool.annotations();
            assertThat(a).as(tool.name()).isNotNull();
            assertThat(List.of(a.readOnlyHint(), a.destructiveHint(), a.idempotentHint(), a.openWorldHint()))
                    .as(tool.name()).doesNotContainNull();
            assertThat(a.readOnlyHint() && a.destructiveHint()).as(tool.name() + " read-only and destructive").isFalse();
        }
        McpSchema.Tool logs = tools.stream().filter(t -> t.name().equals("container_logs")).findFirst().orElseThrow();
        assertThat(logs.annotations().readOnlyHint()).isTrue();
        assertThat(logs.inputSchema().get("required")).isEqualTo(List.of("container"));
        McpSchema.Tool stop = tools.stream().filter(t -> t.name().equals("container_stop")).findFirst().orElseThrow();
        assertThat(stop.annotations().destructiveHint()).isTrue();
        assertThat(tools.stream().filter(t -> t.name().equals("image_pull")).findFirst().orElseThrow()
                .annotations().openWorldHint()).isTrue();
    }

    @Test
    void aDestructiveToolIsRefusedUnlessAllowListedAndTheErrorNamesTheSetting() throws Exception {
        try (Restricted gateway = defaultPolicyClient()) {
            McpSyncClient restricted = gateway.client();
            McpSchema.Tool stop = restricted.listTools().tools().stream()
                    .filter(t -> t.name().equals("container_stop")).findFirst().orElseThrow();
            assertThat(stop.description()).contains("Disabled on this server", "MCP_ALLOW_TOOLS");

            McpError refused = mcpError(restricted, "container_stop", Map.of("container", worker));
            assertThat(refused.getJsonRpcError().code()).isEqualTo(-32001);
            assertThat(refused.getMessage()).contains("container_stop is disabled", "--mcp-allow-tools",
                    "MCP_ALLOW_TOOLS");
            assertThat(state(worker)).as("the refused stop changed nothing").isEqualTo("running");
            // read-only tools still work under the default policy
            assertThat(ok(restricted, "container_inspect", Map.of("container", worker)).get("state"))
                    .isEqualTo("running");
        }
    }

    @Test
    void objectsWithoutTheAgentsLabelsAreInvisibleAndRefused() {
        List<Object> names = names(ok("container_list", Map.of("all", true)).get("containers"));
        assertThat(names).contains(sessionContainer, worker).doesNotContain(foreign);

        for (String tool : List.of("container_inspect", "container_logs", "container_stats", "container_start")) {
            McpError refused = mcpError(client(), tool, Map.of("container", foreign));
            assertThat(refused.getJsonRpcError().code()).as(tool).isEqualTo(-32001);
            assertThat(refused.getMessage()).as(tool).contains("outside this gateway's scope",
                    "streamspace.agent.id=" + agentId, "MCP_SCOPE");
        }
        McpError stop = mcpError(client(), "container_stop", Map.of("container", foreign));
        assertThat(stop.getMessage()).contains("outside this gateway's scope");
        assertThat(state(foreign)).as("the foreign container was left alone").isEqualTo("running");

        McpError stack = mcpError(client(), "stack_down", Map.of("project", foreignProject));
        assertThat(stack.getMessage()).contains("stack " + foreignProject, "outside this gateway's scope");
        assertThat(names(ok("stack_list", Map.of()).get("stacks"))).doesNotContain(foreignProject);
    }

    @Test
    void badArgumentsGetASchemaErrorNeverAStackTrace() {
        McpError error = mcpError(client(), "container_logs", Map.of("container", worker, "tail", "many",
                "unexpected", true));
        assertThat(error.getJsonRpcError().code()).isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS);
        assertThat(error.getMessage()).contains("invalid arguments for tool container_logs",
                "unknown argument 'unexpected'", "'tail' must be an integer").doesNotContain("Exception", "\tat ");

        assertThat(mcpError(client(), "container_inspect", Map.of()).getMessage()).contains("'container' is required");
        assertThat(mcpError(client(), "container_inspect", Map.of("container", "../etc")).getMessage())
                .contains("'container' must match");
        assertThat(mcpError(client(), "stack_up", Map.of("project", "UPPER", "compose", "services: {}"))
                .getMessage()).contains("'project' must match");
    }

    // --- containers ------------------------------------------------------------------------------------------

    @Test
    void inspectShowsTheContainerWithSecretValuesRedacted() {
        Map<String, Object> inspected = ok("container_inspect", Map.of("container", sessionContainer));

        assertThat(inspected.get("name")).isEqualTo(sessionContainer);
        assertThat(inspected.get("state")).isEqualTo("running");
        assertThat(inspected.get("environment").toString()).contains("API_TOKEN=[REDACTED]")
                .doesNotContain(secretToken);
        assertThat(failed("container_inspect", Map.of("container", "sst-mcp-" + run + "-missing")))
                .contains("no container named");
    }

    @Test
    void logsAreTailedAndTheContainersSecretsRedacted() {
        Awaitility.await().atMost(DEADLINE).pollInSameThread().untilAsserted(() ->
                assertThat(ok("container_logs", Map.of("container", sessionContainer)).get("logs").toString())
                        .contains("token is [REDACTED:API_TOKEN]"));
        Map<String, Object> logs = ok("container_logs", Map.of("container", sessionContainer, "tail", 5, "since", "1h"));
        assertThat(logs.get("logs").toString()).contains("[REDACTED:API_TOKEN]").doesNotContain(secretToken);
        assertThat(ok("container_logs", Map.of("container", sessionContainer, "since", "2999-01-01T00:00:00Z"))
                .get("logs").toString()).isBlank();
        assertThat(mcpError(client(), "container_logs", Map.of("container", worker, "tail", 0)).getMessage())
                .contains("'tail' must be between 1 and 10000");
        assertThat(failed("container_logs", Map.of("container", "sst-mcp-" + run + "-missing")))
                .contains("no container named");
    }

    @Test
    void statsSampleARunningContainer() {
        Map<String, Object> stats = ok("container_stats", Map.of("container", worker));
        assertThat(((Number) stats.get("memory_usage_bytes")).longValue()).isPositive();
        assertThat(((Number) stats.get("pids")).longValue()).isPositive();
        assertThat(failed("container_stats", Map.of("container", "sst-mcp-" + run + "-missing")))
                .contains("no container named");
    }

    @Test
    void containersAreStoppedStartedAndRestarted() {
        assertThat(ok("container_stop", Map.of("container", worker, "timeout_seconds", 5)).get("state"))
                .isEqualTo("exited");
        assertThat(state(worker)).isEqualTo("exited");
        assertThat(ok("container_start", Map.of("container", worker)).get("state")).isEqualTo("running");
        Map<String, Object> restarted = ok("container_restart", Map.of("container", worker, "timeout_seconds", 5));
        assertThat(restarted.get("state")).isEqualTo("running");
        assertThat(state(worker)).isEqualTo("running");

        assertThat(failed("container_start", Map.of("container", "sst-mcp-" + run + "-missing")))
                .contains("no container named");
        assertThat(failed("container_restart", Map.of("container", "sst-mcp-" + run + "-missing")))
                .contains("no container named");
        assertThat(mcpError(client(), "container_stop", Map.of("container", worker, "timeout_seconds", 301))
                .getMessage()).contains("'timeout_seconds' must be between 0 and 300");
    }

    // --- sessions --------------------------------------------------------------------------------------------

    @Test
    void sessionsAreListedAndInspected() {
        List<?> sessions = (List<?>) ok("session_list", Map.of()).get("sessions");
        assertThat(sessions).anySatisfy(s -> {
            assertThat(((Map<?, ?>) s).get("session_id")).isEqualTo(sessionId);
            assertThat(((Map<?, ?>) s).get("user")).isEqualTo("alice");
        });
        Map<String, Object> session = ok("session_inspect", Map.of("session_id", sessionId));
        assertThat(session.get("agent_id")).isEqualTo(agentId);
        assertThat(session.get("container")).isEqualTo(sessionContainer);
        assertThat(session.get("template")).isEqualTo("firefox");

        assertThat(failed("session_inspect", Map.of("session_id", "mcpit-" + run + "-missing")))
                .contains("no session");
        assertThat(mcpError(client(), "session_list", Map.of("all", true)).getMessage())
                .contains("this tool takes none");
    }

    /**
     * Without a session agent to ask, a session change would happen behind the agent's back: refused, naming the
     * setting; nothing changes. (Through a running agent: {@code McpSessionAgentIT}.)
     */
    @Test
    void sessionChangesRefuseWithoutASessionAgentAndNameTheSetting() {
        McpSchema.Tool wake = client().listTools().tools().stream().filter(t -> t.name().equals("session_wake"))
                .findFirst().orElseThrow();
        assertThat(wake.description()).contains("Unavailable on this server", "MCP_SESSION_AGENT_URL");
        for (String tool : List.of("session_hibernate", "session_wake")) {
            McpError refused = mcpError(client(), tool, Map.of("session_id", sessionId));
            assertThat(refused.getJsonRpcError().code()).as(tool).isEqualTo(-32001);
            assertThat(refused.getMessage()).as(tool).contains(tool + " is unavailable",
                    "--mcp-session-agent-url (MCP_SESSION_AGENT_URL)", "MCP_SESSION_AGENT_TOKEN_FILE");
            assertThat(refused.getJsonRpcError().data().toString()).contains("MCP_SESSION_AGENT_URL");
        }
        assertThat(state(sessionContainer)).as("nothing changed").isEqualTo("running");
        assertThat(ok("session_list", Map.of()).get("source")).as("read tools keep working").isEqualTo("engine");
    }

    // --- stacks ----------------------------------------------------------------------------------------------

    @Test
    void aStackGoesUpIsListedLoggedAndTakenDown() {
        String project = "mcpit" + run;
        String secret = "sk-" + UUID.randomUUID();
        String compose = """
                services:
                  app:
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; echo stack says $$STACK_SECRET_KEY; while true; do sleep 1 & wait $$!; done"]
                    environment:
                      STACK_SECRET_KEY: ${SECRET}
                    labels:
                      %s: %s
                """.formatted(IMAGE, TEST_LABEL, testLabels.get(TEST_LABEL));
        try {
            Map<String, Object> up = ok("stack_up", Map.of("project", project, "compose", compose,
                    "env", Map.of("SECRET", secret)));
            assertThat(up.get("created")).isEqualTo(List.of("app"));
            assertThat(up.get("containers").toString()).contains("running");
            assertThat(ok("stack_up", Map.of("project", project, "compose", compose, "env", Map.of("SECRET", secret)))
                    .get("unchanged")).as("idempotent").isEqualTo(List.of("app"));

            assertThat(names(ok("stack_list", Map.of()).get("stacks"))).contains(project);
            Map<String, Object> ps = ok("stack_ps", Map.of("project", project));
            assertThat(ps.get("containers").toString()).contains("service=app", "state=running");
            Awaitility.await().atMost(DEADLINE).pollInSameThread().untilAsserted(() ->
                    assertThat(ok("stack_logs", Map.of("project", project, "service", "app")).get("logs").toString())
                            .contains("stack says [REDACTED:STACK_SECRET_KEY]").doesNotContain(secret));
            assertThat(ok("stack_logs", Map.of("project", project)).get("logs").toString()).contains("==> app <==");
            // the gateway's labels are on the stack's containers
            assertThat(docker.requests().listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of("com.docker.compose.project", project, "streamspace.agent.id", agentId,
                            "streamspace.managed", "true")).exec()).hasSize(1);

            Map<String, Object> down = ok("stack_down", Map.of("project", project));
            assertThat(down.get("removed_containers").toString()).contains(project);
            assertThat(failed("stack_ps", Map.of("project", project))).contains("no stack " + project);
        } finally {
            removeProject(project);
        }
        assertThat(failed("stack_up", Map.of("project", project, "compose",
                "services:\n  app:\n    build: .\n"))).contains("compose file rejected", "services.app.build");
        assertThat(failed("stack_logs", Map.of("project", project))).contains("no stack");
        assertThat(failed("stack_down", Map.of("project", project))).contains("no stack");
        assertThat(mcpError(client(), "stack_list", Map.of("x", 1)).getMessage()).contains("takes none");
    }

    // --- images and the engine -------------------------------------------------------------------------------

    @Test
    void imagesAreListedAndPulledFromARegistry() throws Exception {
        List<?> images = (List<?>) ok("image_list", Map.of()).get("images");
        assertThat(images).anySatisfy(i -> assertThat(((Map<?, ?>) i).get("tags").toString()).contains(IMAGE));

        try (LocalRegistry registry = LocalRegistry.start()) {
            String reference = registry.push(IMAGE, "streamspace-mcp/busybox-" + run, "t1");
            try {
                Map<String, Object> pulled = ok("image_pull", Map.of("image", reference));
                assertThat(pulled.get("tags").toString()).contains(reference);
                assertThat(DockerCli.imagePresent(reference)).isTrue();
            } finally {
                DockerCli.removeImage(reference);
            }
            assertThat(failed("image_pull", Map.of("image", registry.address() + "/streamspace-mcp/none-" + run
                    + ":t1"))).contains("could not be pulled");
        }
        assertThat(mcpError(client(), "image_pull", Map.of("image", "Bad Image!")).getMessage())
                .contains("'image' must match");
        assertThat(mcpError(client(), "image_list", Map.of("all", true)).getMessage()).contains("takes none");
    }

    @Test
    void theEngineDescribesItself() {
        Map<String, Object> info = ok("engine_info", Map.of());
        assertThat(info.get("server_version").toString()).isNotBlank();
        assertThat(info.get("api_version")).isEqualTo("1.41");
        assertThat(((Number) info.get("containers_running")).intValue()).isPositive();
        assertThat(mcpError(client(), "engine_info", Map.of("verbose", true)).getMessage()).contains("takes none");
    }

    @Test
    void theStateResourceShowsThePolicyAndTheEngine() throws Exception {
        McpSchema.ReadResourceResult state = client().readResource(
                new McpSchema.ReadResourceRequest("docker-agent://state"));
        JsonNode body = json.readTree(((McpSchema.TextResourceContents) state.contents().get(0)).text());
        assertThat(body.path("scope").asText()).contains(agentId);
        assertThat(body.path("enabled_destructive_tools").toString()).contains("container_stop");
        assertThat(body.path("engine").path("api_version").asText()).isEqualTo("1.41");
    }

    // --- audit, metrics and leaks ----------------------------------------------------------------------------

    @Test
    void everyCallIsCountedUnderTheComposeAgentPlane() throws Exception {
        long before = count("mcp_engine_info", "success");
        long refusedBefore = count("mcp_container_inspect", "failure");
        ok("engine_info", Map.of());
        mcpError(client(), "container_inspect", Map.of("container", foreign));

        JsonNode metrics = metrics();
        assertThat(count("mcp_engine_info", "success")).isEqualTo(before + 1);
        assertThat(count("mcp_container_inspect", "failure")).isEqualTo(refusedBefore + 1);
        assertThat(metrics.path("compose_agent_count").asLong()).isPositive();
        assertThat(metrics.path("last_control_plane").asText()).isEqualTo("compose_agent");
    }

    /**
     * Pools (the engine connections, the tool threads) grow to their working size during the first bursts and then
     * stay; a leak grows with every call. So: bursts of 20 concurrent calls until one leaves the process no bigger
     * than before it (threads, sockets, child processes), at most eight; growing on every burst is a leak. The engine
     * connection pools (up to 64 connections each) grow to the most calls ever in flight together, which creeps up
     * a little from burst to burst on a loaded host: five bursts in a row each grew by 2 to 6 sockets once in CI,
     * where a leak of one socket per call of one tool grows by at least 4 every burst.
     */
    @Test
    void twentyConcurrentCallsLeaveNoContainerThreadSocketOrProcessBehind() throws Exception {
        long containersBefore = testContainers();
        burst(); // warm-up: the pools grow to their working size
        burst();
        Usage before = usage();
        List<Usage> seen = new ArrayList<>(List.of(before));
        for (int attempt = 1; attempt <= 8; attempt++) {
            List<CallToolResult> results = burst();
            assertThat(results).hasSize(20).allSatisfy(r -> assertThat(r.isError()).as(String.valueOf(r)).isFalse());
            assertThat(testContainers()).as("containers carrying this run's label").isEqualTo(containersBefore);
            Usage limit = before;
            Usage after = settled(limit);
            seen.add(after);
            // left out of the comparison, but bounded: the client holds at most one connection per call in flight
            // and its event stream; a gateway that kept each call's connection open would hold 60 at the first look
            assertThat(after.socketKinds().getOrDefault(MCP_CLIENT, 0L)).as("MCP client connections: %s", seen)
                    .isLessThanOrEqualTo(40);
            if (after.threads() <= limit.threads() && after.sockets() <= limit.sockets()
                    && after.processes() == limit.processes()) {
                assertThat(after.processes()).as("child processes").isZero();
                return;
            }
            before = after;
        }
        fail("the gateway grew after each of eight bursts of 20 calls: " + seen);
    }

    /** The usage once it fell back to {@code limit}, or what it is after ten seconds. */
    private Usage settled(Usage limit) throws Exception {
        try {
            return Awaitility.await().pollInSameThread().pollInterval(Duration.ofMillis(250))
                    .atMost(Duration.ofSeconds(10)).until(this::usage, now -> now.threads() <= limit.threads()
                            && now.sockets() <= limit.sockets() && now.processes() == limit.processes());
        } catch (org.awaitility.core.ConditionTimeoutException stillAbove) {
            return usage();
        }
    }

    private List<CallToolResult> burst() throws Exception {
        List<Callable<CallToolResult>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(switch (i % 5) {
                case 0 -> () -> call(client(), "container_logs", Map.of("container", sessionContainer, "tail", 10));
                case 1 -> () -> call(client(), "container_stats", Map.of("container", worker));
                case 2 -> () -> call(client(), "container_list", Map.of("all", true));
                case 3 -> () -> call(client(), "session_list", Map.of());
                default -> () -> call(client(), "engine_info", Map.of());
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<CallToolResult> results = new ArrayList<>();
            for (Future<CallToolResult> f : pool.invokeAll(calls)) {
                results.add(f.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    long testContainers() {
        List<Container> all = docker.requests().listContainersCmd().withShowAll(true).withLabelFilter(testLabels).exec();
        return all.size();
    }

    String state(String container) {
        return docker.requests().inspectContainerCmd(container).exec().getState().getStatus();
    }

    CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    Map<String, Object> ok(String tool, Map<String, Object> arguments) {
        return ok(client(), tool, arguments);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> ok(McpSyncClient client, String tool, Map<String, Object> arguments) {
        CallToolResult result = call(client, tool, arguments);
        assertThat(result.isError()).as(tool + " " + result.content()).isFalse();
        assertThat(result.content()).as("text content for clients without structured content").isNotEmpty();
        return (Map<String, Object>) result.structuredContent();
    }

    /** The text of an error result (the tool ran and failed). */
    String failed(String tool, Map<String, Object> arguments) {
        CallToolResult result = call(client(), tool, arguments);
        assertThat(result.isError()).as(tool + " should fail: " + result.content()).isTrue();
        String text = ((McpSchema.TextContent) result.content().get(0)).text();
        assertThat(text).doesNotContain("\tat ", "Exception:");
        return text;
    }

    /** The MCP (JSON-RPC) error a call ends with. */
    static McpError mcpError(McpSyncClient client, String tool, Map<String, Object> arguments) {
        try {
            CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
            return fail("expected an MCP error from " + tool + ", got " + result);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof McpError error) {
                    return error;
                }
            }
            throw e;
        }
    }

    static List<Object> names(Object list) {
        List<Object> names = new ArrayList<>();
        for (Object item : (List<?>) list) {
            names.add(item instanceof Map<?, ?> m ? m.get("name") : item);
        }
        return names;
    }

    JsonNode metrics() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(statusApi().resolve("/api/v1/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return json.readTree(response.body());
        }
    }

    long count(String action, String outcome) throws Exception {
        return metrics().path("by_action").path(action).path(outcome).asLong(0);
    }

    void removeProject(String project) {
        for (Container c : docker.requests().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("com.docker.compose.project", project)).exec()) {
            try {
                docker.requests().removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (NotFoundException gone) {
                // removed already
            }
        }
        docker.requests().listNetworksCmd().exec().stream().filter(n -> n.getName().equals(project + "_default"))
                .forEach(n -> docker.requests().removeNetworkCmd(n.getId()).exec());
    }

    /**
     * Threads (from /proc), open sockets and descendants of a process.
     *
     * @param clientPort the local port of the connections the test's MCP client opens to the gateway, 0 for none
     */
    static Usage usageOf(ProcessHandle process, int clientPort) throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<java.nio.file.Path> tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc",
                String.valueOf(process.pid()), "task"))) {
            for (java.nio.file.Path task : tasks.toList()) {
                try {
                    names.add(java.nio.file.Files.readString(task.resolve("comm")).strip());
                } catch (java.io.IOException ended) {
                    // the thread ended while we looked
                }
            }
        }
        Map<String, Long> kinds = socketKinds(process.pid(), clientPort);
        long sockets = kinds.entrySet().stream().filter(e -> !e.getKey().equals(MCP_CLIENT))
                .mapToLong(Map.Entry::getValue).sum();
        return new Usage(names.size(), sockets, process.descendants().count(), kinds, byKind(names.stream()));
    }

    private static final String MCP_CLIENT = "mcp-client";

    /**
     * Open sockets of a process by kind, from /proc: the socket inodes of its descriptors, looked up in its network
     * namespace's TCP and Unix tables. An accepted TCP connection whose local port is {@code clientPort} is an
     * {@code mcp-client} one.
     */
    static Map<String, Long> socketKinds(long pid, int clientPort) throws Exception {
        java.nio.file.Path proc = java.nio.file.Path.of("/proc", String.valueOf(pid));
        List<String> inodes = new ArrayList<>();
        try (var fds = java.nio.file.Files.list(proc.resolve("fd"))) {
            for (java.nio.file.Path fd : fds.toList()) {
                try {
                    String link = java.nio.file.Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        inodes.add(link.substring("socket:[".length(), link.length() - 1));
                    }
                } catch (java.io.IOException closed) {
                    // the descriptor was closed while we looked
                }
            }
        }
        // a TCP socket in no table was created but not yet connected, or closed by the network but not yet by the
        // process (in these tests, one per engine connection)
        Map<String, String> kindOfInode = new java.util.HashMap<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            for (String line : java.nio.file.Files.readAllLines(proc.resolve(table)).stream().skip(1).toList()) {
                String[] f = line.trim().split("\\s+");
                int localPort = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                boolean listening = f[3].equals("0A");
                kindOfInode.put(f[9], !listening && localPort == clientPort && clientPort != 0 ? MCP_CLIENT : "tcp");
            }
        }
        for (String line : java.nio.file.Files.readAllLines(proc.resolve("net/unix")).stream().skip(1).toList()) {
            kindOfInode.put(line.trim().split("\\s+")[6], "unix");
        }
        return inodes.stream().collect(Collectors.groupingBy(i -> kindOfInode.getOrDefault(i, "unlisted"),
                TreeMap::new, Collectors.counting()));
    }
}
