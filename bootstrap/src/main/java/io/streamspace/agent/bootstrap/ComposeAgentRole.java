package io.streamspace.agent.bootstrap;

import io.streamspace.agent.bootstrap.logging.AgentLoggers;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.DockerSessionRuntime;
import io.streamspace.agent.adapter.docker.compose.DockerStackRuntime;
import io.streamspace.agent.adapter.mcp.McpGateway;
import io.streamspace.agent.adapter.mcp.McpHttpServer;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.adapter.http.sidecar.SignedSidecarServer;
import io.streamspace.agent.application.port.out.TokenSource;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.bootstrap.wiring.SidecarTokens;
import io.streamspace.agent.adapter.host.ProcHostMetrics;
import io.streamspace.agent.adapter.http.StatusHttpServer;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.service.metrics.AgentStatusService;
import io.streamspace.agent.application.service.metrics.CommandMetricsRecorder;
import io.streamspace.agent.application.service.metrics.MeteredSessionRuntime;
import io.streamspace.agent.application.service.metrics.MeteredStackRuntime;
import io.streamspace.agent.bootstrap.config.AgentVersion;
import io.streamspace.agent.bootstrap.config.StatusPanelSettings;
import io.streamspace.agent.bootstrap.config.VaultConfiguration;
import io.streamspace.agent.bootstrap.wiring.StatusPanels;
import io.streamspace.agent.bootstrap.wiring.VaultModule;
import io.streamspace.agent.domain.metrics.CommandMetrics;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import io.streamspace.agent.domain.sidecar.RequestVerifier;
import io.streamspace.agent.domain.sidecar.Scope;
import io.streamspace.agent.domain.sidecar.VerifierLimits;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code compose-agent} role: the sidecar that alone changes Docker objects. It serves the signed local API
 * ({@link SignedSidecarServer}) over the Docker adapter (sessions and Compose stacks), for the agent ids of {@code --allowed-agents} with the
 * compose-agent token. Settings: flag, then environment, then default.
 */
public final class ComposeAgentRole {

    private static final Logger LOG = LoggerFactory.getLogger("ComposeAgent");
    /** The Vault key of the MCP bearer token, beside the compose-agent token. */
    public static final String MCP_TOKEN_KEY = "mcp_token";

    /** The role's validated settings. {@link #toString()} hides the token. */
    public record Settings(InetSocketAddress listen, Map<String, Set<Scope>> allowedAgents, int requestsPerMinute,
                           String token, Path tokenFile, String dockerHost, ControlPlaneTag controlPlane,
                           String logLevel, String logFormat, Integer statusPort, VaultConfiguration vault,
                           StatusPanelSettings status, McpHttp mcp) {
        @Override
        public String toString() {
            return "ComposeAgentSettings[listen=" + listen + ", allowedAgents=" + allowedAgents
                    + ", requestsPerMinute=" + requestsPerMinute + ", token="
                    + (token == null ? "none" : "****") + ", tokenFile=" + tokenFile + ", dockerHost=" + dockerHost
                    + ", controlPlane=" + controlPlane.wireName() + ", status=" + status + ", mcp=" + mcp + "]";
        }
    }

    /**
     * The MCP gateway on Streamable HTTP; {@link #toString()} hides the token.
     *
     * @param token     the bearer token; null when it comes from {@code tokenFile} or Vault's {@code mcp_token}
     * @param tokenFile the file holding it, re-read on every request; null when not used
     */
    public record McpHttp(InetSocketAddress listen, String token, Path tokenFile, List<String> allowedOrigins,
                          McpGateways.Policy policy) {
        @Override
        public String toString() {
            return "McpHttp[listen=" + listen + ", token=" + (token == null ? "none" : "****") + ", tokenFile="
                    + tokenFile + ", allowedOrigins=" + allowedOrigins + ", policy=" + policy + "]";
        }
    }

    /** A started sidecar. */
    public static final class Running implements AutoCloseable {
        private final SignedSidecarServer server;
        private final DockerClients docker;
        private final StatusHttpServer status;
        private final CommandMetricsRecorder metrics;
        private final McpHttpServer mcp;

        Running(SignedSidecarServer server, DockerClients docker, StatusHttpServer status,
                CommandMetricsRecorder metrics, McpHttpServer mcp) {
            this.server = server;
            this.docker = docker;
            this.status = status;
            this.metrics = metrics;
            this.mcp = mcp;
        }

        /** The MCP gateway's Streamable HTTP server, when it serves one. */
        public java.util.Optional<McpHttpServer> mcp() {
            return java.util.Optional.ofNullable(mcp);
        }

        public int port() {
            return server.port();
        }

        /** The status API's port, when it serves one. */
        public java.util.OptionalInt statusPort() {
            return status == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(status.port());
        }

        /** Operations carried out so far, tagged with this process's plane. */
        public CommandMetricsRecorder metrics() {
            return metrics;
        }

        @Override
        public void close() {
            if (mcp != null) {
                mcp.close();
            }
            if (status != null) {
                status.close();
            }
            server.close();
            docker.close();
        }
    }

    private final Map<String, String> env;
    private final PrintStream err;

    public ComposeAgentRole(Map<String, String> env, PrintStream err) {
        this.env = env;
        this.err = err;
    }

    /** Resolves, starts and serves until SIGTERM/SIGINT; returns the exit code. */
    public int run(Map<Setting, String> flags) {
        Settings settings;
        try {
            settings = resolve(flags, env);
        } catch (IllegalArgumentException e) {
            return RoleSettings.reportConfigurationErrors(err, "compose-agent", List.of(e.getMessage().split("\n")));
        }
        AgentLoggers.configure(settings.logLevel(), settings.logFormat(), false);
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (Running running = start(settings)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopped.countDown();
                try {
                    closed.await(10, TimeUnit.SECONDS); // let the sidecar close before the JVM halts
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "shutdown"));
            stopped.await();
            LOG.info("compose-agent stopping");
            return DockerAgentMain.EXIT_OK;
        } catch (IOException e) {
            err.println("error: cannot listen on " + settings.listen() + ": " + e.getMessage());
            return DockerAgentMain.EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DockerAgentMain.EXIT_FAILED;
        } finally {
            closed.countDown();
        }
    }

    /** Starts the sidecar over the Docker engine of {@code settings}. */
    public static Running start(Settings settings) throws IOException {
        TokenSource tokens = SidecarTokens.of(settings.token(), settings.tokenFile());
        if (tokens == null) {
            // verification follows Vault: a rotated compose_agent_token is used at once, without a restart
            tokens = VaultModule.composeAgentTokens(VaultModule.open(settings.vault()), settings.vault().tokenKey(),
                    Clock.systemUTC());
        }
        DockerClients docker = DockerClients.create(settings.dockerHost());
        CommandMetricsRecorder metrics = new CommandMetricsRecorder(settings.controlPlane(), new CommandMetrics(),
                Clock.systemUTC());
        StatusHttpServer status = null;
        McpHttpServer mcp = null;
        try {
            SessionRuntime sessions = DockerSessionRuntime.open(docker);
            if (settings.statusPort() != null) {
                AgentStatusService statusService = new AgentStatusService(metrics, ProcHostMetrics.system(),
                        new QueryAgentStatus.Capabilities(true, settings.controlPlane(), AgentVersion.current(),
                                settings.mcp() == null ? List.of("docker", "sessions", "compose", "metrics", "panel")
                                        : List.of("docker", "sessions", "compose", "metrics", "panel", "mcp")));
                status = StatusHttpServer.start(settings.status().address(), settings.statusPort(), statusService,
                        new ObjectMapper(), StatusPanels.forComposeAgent(
                                sessions, statusService, settings.status(), settings.controlPlane(),
                                () -> VaultModule.open(settings.vault()), Clock.systemUTC()));
                LOG.info("compose-agent status API on http://{}:{} ({})", settings.status().address(), status.port(),
                        settings.status().tokenConfigured() ? "token required" : "no token: loopback only, open");
            }
            // stack pulls go through the session runtime so registry credentials from config.json are honoured
            DockerStackRuntime stacks = new DockerStackRuntime(docker, image -> sessions.pullImage(image, line -> { }),
                    java.time.Duration.ofMinutes(2), DockerStackRuntime.DEFAULT_STOP_GRACE);
            SignedSidecarServer server = SignedSidecarServer.start(settings.listen(),
                    new MeteredSessionRuntime(sessions, metrics), new MeteredStackRuntime(stacks, metrics),
                    new RequestVerifier(settings.allowedAgents(),
                            VerifierLimits.DEFAULTS.withRequestsPerMinute(settings.requestsPerMinute())), tokens, new ObjectMapper(),
                    Clock.systemUTC());
            LOG.info("compose-agent serving the signed local API on {} (control_plane={}, agents {})",
                    server.address(), settings.controlPlane().wireName(), settings.allowedAgents().keySet());
            if (settings.mcp() != null) {
                try {
                    mcp = startMcp(settings, docker, new MeteredSessionRuntime(sessions, metrics),
                            new MeteredStackRuntime(stacks, metrics), metrics);
                } catch (IOException | RuntimeException e) {
                    server.close();
                    throw e;
                }
            }
            return new Running(server, docker, status, metrics, mcp);
        } catch (IOException | RuntimeException e) {
            if (status != null) {
                status.close();
            }
            docker.close();
            throw e;
        }
    }

    /** The MCP gateway on Streamable HTTP, its tool calls counted with the sidecar's operations. */
    private static McpHttpServer startMcp(Settings settings, DockerClients docker, SessionRuntime sessions,
                                          StackRuntime stacks, CommandMetricsRecorder metrics) throws IOException {
        McpHttp mcp = settings.mcp();
        TokenSource tokens = SidecarTokens.of(mcp.token(), mcp.tokenFile());
        if (tokens == null) {
            tokens = VaultModule.composeAgentTokens(VaultModule.open(settings.vault()), MCP_TOKEN_KEY,
                    Clock.systemUTC());
        }
        TokenSource source = tokens;
        McpGateway gateway = McpGateways.build(docker, sessions, stacks, List.copyOf(settings.allowedAgents().keySet()),
                mcp.policy(), settings.vault(), metrics);
        return McpHttpServer.start(new McpHttpServer.Settings(mcp.listen(), () -> source.tokenFor("mcp"),
                mcp.allowedOrigins()), gateway);
    }

    /**
     * The settings from flags, environment and defaults.
     *
     * @throws IllegalArgumentException with every problem, one per line
     */
    public static Settings resolve(Map<Setting, String> flags, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<Setting, String> values = RoleSettings.sidecarValues(Setting.COMPOSE_AGENT_ROLE, flags, env);
        InetSocketAddress listen = listen(values.get(Setting.LISTEN), problems);
        Map<String, Set<Scope>> agents = allowedAgents(values.get(Setting.ALLOWED_AGENTS), problems);
        int perMinute = 0;
        try {
            perMinute = Integer.parseInt(values.get(Setting.REQUESTS_PER_MINUTE));
        } catch (NumberFormatException e) {
            // reported below
        }
        if (perMinute < 1) {
            problems.add(Setting.REQUESTS_PER_MINUTE.displayName() + " must be a whole number of at least 1, got '"
                    + values.get(Setting.REQUESTS_PER_MINUTE) + "'");
        }
        String token = values.get(Setting.COMPOSE_AGENT_TOKEN);
        String tokenFile = values.get(Setting.COMPOSE_AGENT_TOKEN_FILE);
        VaultConfiguration vault = vaultFromEnvironment(env);
        if (token == null && tokenFile == null && vault == null) {
            problems.add("no compose-agent token: set " + Setting.COMPOSE_AGENT_TOKEN_FILE.displayName() + " or "
                    + Setting.COMPOSE_AGENT_TOKEN.displayName() + ", or configure Vault (VAULT_ADDRESS, VAULT_TOKEN,"
                    + " VAULT_AGENT_PATH_PREFIX, DEPLOYMENT_HASH)");
        } else if (token != null && tokenFile != null) {
            problems.add("set only one of " + Setting.COMPOSE_AGENT_TOKEN.displayName() + " and "
                    + Setting.COMPOSE_AGENT_TOKEN_FILE.displayName());
        }
        ControlPlaneTag plane = RoleSettings.controlPlane(values, problems);
        Integer statusPort = RoleSettings.statusPort(values, problems);
        McpHttp mcp = mcp(values, vault, problems);
        var status = StatusPanelSettings.resolve(
                values.get(Setting.STATUS_ADDRESS), values.get(Setting.STATUS_TOKEN),
                values.get(Setting.STATUS_TOKEN_FILE), values.get(Setting.STATUS_WRITE_TOKEN),
                values.get(Setting.STATUS_WRITE_TOKEN_FILE), values.get(Setting.STATUS_TOKEN_VAULT_KEY),
                values.get(Setting.STATUS_WRITE_TOKEN_VAULT_KEY), vault != null, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return new Settings(listen, agents, perMinute, token, tokenFile == null ? null : Path.of(tokenFile),
                values.get(Setting.DOCKER_HOST), plane, values.get(Setting.LOG_LEVEL),
                values.get(Setting.LOG_FORMAT), statusPort, vault, status, mcp);
    }

    /** The MCP gateway's settings; null when {@code --mcp-listen} is off. */
    private static McpHttp mcp(Map<Setting, String> values, VaultConfiguration vault, List<String> problems) {
        String listenValue = values.get(Setting.MCP_LISTEN);
        if (listenValue == null || "off".equalsIgnoreCase(listenValue)) {
            return null;
        }
        List<String> mine = new ArrayList<>();
        InetSocketAddress listen = address(Setting.MCP_LISTEN, listenValue, mine);
        if (listen != null && !McpHttpServer.listenable(listen.getAddress())) {
            mine.add(Setting.MCP_LISTEN.displayName() + " must be a loopback or private address (127.0.0.1, [::1],"
                    + " or a container's address on its Compose network, e.g. compose-agent:5003), got '"
                    + listenValue + "': the gateway is for assistants on this host");
        }
        String token = values.get(Setting.MCP_TOKEN);
        String tokenFile = values.get(Setting.MCP_TOKEN_FILE);
        if (token != null && tokenFile != null) {
            mine.add("set only one of " + Setting.MCP_TOKEN.displayName() + " and "
                    + Setting.MCP_TOKEN_FILE.displayName());
        } else if (token == null && tokenFile == null && vault == null) {
            mine.add("the MCP gateway needs a bearer token: set " + Setting.MCP_TOKEN_FILE.displayName() + " or "
                    + Setting.MCP_TOKEN.displayName() + ", or configure Vault (its " + MCP_TOKEN_KEY + " key)");
        }
        List<String> origins = new ArrayList<>();
        String originList = values.get(Setting.MCP_ALLOWED_ORIGINS);
        if (originList != null) {
            for (String item : originList.split(",")) {
                String origin = item.strip();
                if (!origin.isEmpty()) {
                    if (!origin.matches("https?://[^/\\s]+")) {
                        mine.add(Setting.MCP_ALLOWED_ORIGINS.displayName() + ": '" + origin + "' is not an origin"
                                + " (scheme://host[:port], no path)");
                    }
                    origins.add(origin);
                }
            }
        }
        McpGateways.Policy policy = McpGateways.policy(values, vault != null, mine);
        problems.addAll(mine);
        return mine.isEmpty() ? new McpHttp(listen, token, tokenFile == null ? null : Path.of(tokenFile), origins,
                policy) : null;
    }

    /** Vault as the design's environment names it; the compose-agent token is read from compose_agent_token. */
    static VaultConfiguration vaultFromEnvironment(Map<String, String> env) {
        String address = env.get("VAULT_ADDRESS");
        String token = env.get("VAULT_TOKEN");
        String prefix = env.get("VAULT_AGENT_PATH_PREFIX");
        String hash = env.get("DEPLOYMENT_HASH");
        if (address == null || token == null || prefix == null || hash == null) {
            return null;
        }
        return new VaultConfiguration(java.net.URI.create(address), token, prefix, hash,
                env.getOrDefault("VAULT_TOKEN_KEY", VaultModule.COMPOSE_AGENT_TOKEN_KEY),
                env.getOrDefault("VAULT_CLIENT_CERT_PATH", env.get("VAULT_CLIENT_CERT")),
                env.getOrDefault("VAULT_CLIENT_KEY_PATH", env.get("VAULT_CLIENT_KEY")), env.get("VAULT_CACERT"));
    }

    private static InetSocketAddress listen(String value, List<String> problems) {
        return address(Setting.LISTEN, value, problems);
    }

    private static InetSocketAddress address(Setting setting, String value, List<String> problems) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon <= 0) {
            problems.add(setting.displayName() + " must be ADDRESS:PORT, got '" + value + "'");
            return null;
        }
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            String host = value.substring(0, colon).replace("[", "").replace("]", "");
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (NumberFormatException e) {
            problems.add(setting.displayName() + " has no valid port (0-65535): '" + value + "'");
        } catch (UnknownHostException e) {
            problems.add(setting.displayName() + " has an unknown address: '" + value + "'");
        }
        return null;
    }

    /** {@code agent-1,reader=sessions:read|sessions:write}; an id without {@code =} holds every scope. */
    static Map<String, Set<Scope>> allowedAgents(String value, List<String> problems) {
        Map<String, Set<Scope>> agents = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            problems.add(Setting.ALLOWED_AGENTS.displayName() + " is required: the agent ids that may call the"
                    + " sidecar (e.g. docker-prod-1)");
            return agents;
        }
        for (String entry : value.split(",")) {
            String item = entry.strip();
            if (item.isEmpty()) {
                continue;
            }
            int equals = item.indexOf('=');
            String id = equals < 0 ? item : item.substring(0, equals).strip();
            Set<Scope> scopes = equals < 0 ? Scope.all() : EnumSet.noneOf(Scope.class);
            if (equals >= 0) {
                for (String name : item.substring(equals + 1).split("\\|")) {
                    Scope.parse(name).ifPresentOrElse(scopes::add, () -> problems.add(Setting.ALLOWED_AGENTS
                            .displayName() + ": unknown scope '" + name.strip() + "' for agent '" + id
                            + "' (sessions:read, sessions:write, stacks:write)"));
                }
            }
            agents.put(id, scopes);
        }
        return agents;
    }
}
