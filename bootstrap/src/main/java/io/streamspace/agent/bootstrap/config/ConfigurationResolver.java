package io.streamspace.agent.bootstrap.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamspace.agent.domain.identity.AgentId;
import io.streamspace.agent.domain.identity.ApiKey;
import io.streamspace.agent.domain.election.LeaseTiming;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import io.streamspace.agent.domain.session.GoDuration;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Resolves every {@link Setting} with the precedence flag, then environment, then config file, then default,
 * and validates the result. All problems are collected, so an operator fixes them in one round.
 */
public final class ConfigurationResolver {

    /**
     * Keys a config file may hold that belong to roles not configured here. None at the moment:
     * {@code compose_agent_enabled} and {@code control_plane} are settings of this role.
     */
    private static final Set<String> OTHER_ROLE_KEYS = Set.of();
    private static final Set<String> PLATFORMS = Set.of("kubernetes", "docker", "vm", "cloud");
    private static final Set<String> BACKENDS = Set.of("file", "redis", "swarm");
    private static final Set<String> LOG_LEVELS = Set.of("error", "warn", "info", "debug", "trace");
    private static final int LIVENESS_LIMIT_SECONDS = 45;

    private record Value(String text, String source) {}

    private final Map<Setting, Value> values = new EnumMap<>(Setting.class);
    private final List<String> problems = new ArrayList<>();

    private ConfigurationResolver() {
    }

    /**
     * @param flags      values given on the command line (absent settings are not in the map)
     * @param env        the process environment
     * @param configFile a YAML or JSON file, or null
     */
    public static AgentConfiguration resolve(Map<Setting, String> flags, Map<String, String> env, Path configFile)
            throws ConfigurationException {
        ConfigurationResolver resolver = new ConfigurationResolver();
        Map<String, String> file = resolver.readFile(configFile);
        for (Setting setting : Setting.values()) {
            resolver.values.put(setting, resolver.pick(setting, flags, env, file, configFile));
        }
        AgentConfiguration configuration = resolver.validate();
        if (!resolver.problems.isEmpty()) {
            throw new ConfigurationException(resolver.problems);
        }
        return configuration;
    }

    private Value pick(Setting setting, Map<Setting, String> flags, Map<String, String> env,
                       Map<String, String> file, Path configFile) {
        String flag = flags.get(setting);
        if (flag != null) {
            return new Value(flag, setting.flag());
        }
        for (String name : setting.environment()) {
            String fromEnv = env.get(name);
            if (fromEnv != null && !fromEnv.isEmpty()) {
                return new Value(fromEnv, "environment variable " + name);
            }
        }
        String fromFile = file.get(Setting.normalizeKey(setting.fileKey()));
        if (fromFile != null) {
            return new Value(fromFile, "'" + setting.fileKey() + "' in " + configFile);
        }
        return new Value(setting.defaultValue(), "default");
    }

    private Map<String, String> readFile(Path configFile) {
        Map<String, String> entries = new java.util.HashMap<>();
        if (configFile == null) {
            return entries;
        }
        if (!Files.isRegularFile(configFile)) {
            problems.add("config file " + configFile + " does not exist or is not a file");
            return entries;
        }
        String name = configFile.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode root;
        try {
            root = mapper.readTree(configFile.toFile());
        } catch (IOException e) {
            problems.add("config file " + configFile + " cannot be parsed: " + firstLine(e.getMessage()));
            return entries;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return entries;
        }
        if (!root.isObject()) {
            problems.add("config file " + configFile + " must hold a mapping of settings, got " + root.getNodeType());
            return entries;
        }
        Set<String> known = new java.util.HashSet<>(OTHER_ROLE_KEYS);
        for (Setting setting : Setting.values()) {
            known.add(Setting.normalizeKey(setting.fileKey()));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = Setting.normalizeKey(entry.getKey());
            if (!known.contains(key)) {
                problems.add("config file " + configFile + ": unknown setting '" + entry.getKey() + "'");
            } else if (!entry.getValue().isValueNode()) {
                problems.add("config file " + configFile + ": '" + entry.getKey() + "' must be a single value");
            } else if (!entry.getValue().isNull()) {
                entries.put(key, entry.getValue().asText());
            }
        }
        return entries;
    }

    private AgentConfiguration validate() {
        AgentId agentId = agentId();
        URI url = controlPlaneUrl();
        VaultConfiguration vault = vault();
        ApiKey apiKey = apiKey(vault);
        String platform = oneOf(Setting.PLATFORM, PLATFORMS);
        String region = text(Setting.REGION);
        if (region != null && (region.length() < 2 || region.length() > 50)) {
            problem(Setting.REGION, "must be 2 to 50 characters long (got " + region.length() + ")");
        }
        String dockerHost = required(Setting.DOCKER_HOST);
        if (dockerHost != null && !dockerHost.matches("(unix|tcp|npipe)://.+")) {
            problem(Setting.DOCKER_HOST, "must look like unix:///var/run/docker.sock or tcp://host:2376, got '"
                    + dockerHost + "'");
        }
        String network = required(Setting.NETWORK);
        if (network != null && !network.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            problem(Setting.NETWORK, "'" + network + "' is not a valid Docker network name");
        }
        String volumeDriver = required(Setting.VOLUME_DRIVER);
        int maxCpu = positive(Setting.MAX_CPU);
        int maxMemory = positive(Setting.MAX_MEMORY);
        int maxSessions = positive(Setting.MAX_SESSIONS);
        int heartbeat = positive(Setting.HEARTBEAT_INTERVAL);
        if (heartbeat >= LIVENESS_LIMIT_SECONDS) {
            problem(Setting.HEARTBEAT_INTERVAL, "is " + heartbeat + " s, but the control plane declares an agent dead"
                    + " after " + LIVENESS_LIMIT_SECONDS + " s without a heartbeat; use less than "
                    + LIVENESS_LIMIT_SECONDS);
        }
        String hostAddress = required(Setting.HOST_ADDRESS);
        if (hostAddress != null && !hostAddress.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            problem(Setting.HOST_ADDRESS, "must be an IP address, got '" + hostAddress + "'");
        }
        String homeMountPath = required(Setting.HOME_MOUNT_PATH);
        if (homeMountPath != null && !homeMountPath.startsWith("/")) {
            problem(Setting.HOME_MOUNT_PATH, "must be an absolute path, got '" + homeMountPath + "'");
        }
        String hibernateMode = oneOf(Setting.HIBERNATE_MODE, Set.of("stop", "pause"));
        int maxParallelStarts = positive(Setting.MAX_PARALLEL_STARTS);
        int pidsLimit = positive(Setting.PIDS_LIMIT);
        String outboxDir = required(Setting.OUTBOX_DIR);
        Duration sessionCheckInterval = duration(Setting.SESSION_CHECK_INTERVAL, Duration.ofMillis(10));
        Duration orphanGrace = duration(Setting.ORPHAN_GRACE, Duration.ofSeconds(1));
        boolean enableHa = bool(Setting.ENABLE_HA);
        String backend = oneOf(Setting.LEADER_ELECTION_BACKEND, BACKENDS);
        String redisUrl = text(Setting.REDIS_URL);
        if ("redis".equals(backend) && redisUrl == null) {
            problem(Setting.LEADER_ELECTION_BACKEND, "is 'redis' but no Redis URL is set (--redis-url or REDIS_URL)");
        }
        if (redisUrl != null && !redisUrl.matches("rediss?://.+")) {
            // never echo the URL: it may carry a password
            problem(Setting.REDIS_URL, "must start with redis:// or rediss://");
        }
        String swarmService = text(Setting.SWARM_SERVICE);
        if (swarmService != null && !swarmService.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            problem(Setting.SWARM_SERVICE, "'" + swarmService + "' is not a valid swarm service name or id");
        }
        String instanceId = text(Setting.INSTANCE_ID);
        if (instanceId == null) {
            instanceId = defaultInstanceId();
        }
        Duration lease = duration(Setting.LEASE_DURATION, Duration.ofMillis(100));
        Duration renewDeadline = duration(Setting.RENEW_DEADLINE, Duration.ofMillis(50));
        Duration retry = duration(Setting.RETRY_PERIOD, Duration.ofMillis(10));
        LeaseTiming leaseTiming = null;
        if (lease != null && renewDeadline != null && retry != null) {
            try {
                leaseTiming = new LeaseTiming(lease, renewDeadline, retry);
            } catch (IllegalArgumentException e) {
                problems.add("leader election timing: " + e.getMessage()
                        + " (--lease-duration, --renew-deadline, --retry-period)");
            }
        }
        String lockFile = required(Setting.LOCK_FILE_PATH);
        String logLevel = oneOf(Setting.LOG_LEVEL, LOG_LEVELS);
        String logFormat = oneOf(Setting.LOG_FORMAT, Set.of("text", "json"));
        Integer statusPort = statusPort();
        boolean composeAgentEnabled = bool(Setting.COMPOSE_AGENT_ENABLED);
        URI composeAgentUrl = composeAgentUrl();
        String composeAgentToken = text(Setting.COMPOSE_AGENT_TOKEN);
        String composeAgentTokenFile = text(Setting.COMPOSE_AGENT_TOKEN_FILE);
        if (composeAgentToken != null && composeAgentTokenFile != null) {
            problems.add("set only one of " + Setting.COMPOSE_AGENT_TOKEN.displayName() + " and "
                    + Setting.COMPOSE_AGENT_TOKEN_FILE.displayName());
        }
        if (composeAgentEnabled && "swarm".equals(backend)) {
            problem(Setting.LEADER_ELECTION_BACKEND, "is 'swarm', which keeps the lease in Docker through the"
                    + " agent's own Docker socket, but " + Setting.COMPOSE_AGENT_ENABLED.displayName() + " is true:"
                    + " in sidecar mode only the compose-agent uses Docker; use redis or file");
        }
        if (composeAgentEnabled && composeAgentToken == null && composeAgentTokenFile == null && vault == null) {
            problem(Setting.COMPOSE_AGENT_ENABLED, "is true, but there is no compose-agent token to sign requests to"
                    + " the sidecar with: set " + Setting.COMPOSE_AGENT_TOKEN_FILE.displayName() + " or "
                    + Setting.COMPOSE_AGENT_TOKEN.displayName() + ", or configure Vault (compose_agent_token)");
        }
        ControlPlaneTag controlPlane = controlPlane();
        StatusPanelSettings status = StatusPanelSettings.resolve(text(Setting.STATUS_ADDRESS),
                text(Setting.STATUS_TOKEN), text(Setting.STATUS_TOKEN_FILE), text(Setting.STATUS_WRITE_TOKEN),
                text(Setting.STATUS_WRITE_TOKEN_FILE), text(Setting.STATUS_TOKEN_VAULT_KEY),
                text(Setting.STATUS_WRITE_TOKEN_VAULT_KEY), vault != null, problems);
        if (!problems.isEmpty()) {
            return null;
        }
        return new AgentConfiguration(agentId, url, apiKey, platform, region, dockerHost, network, volumeDriver,
                maxCpu, maxMemory, maxSessions, Duration.ofSeconds(heartbeat), hostAddress, homeMountPath,
                hibernateMode, maxParallelStarts, pidsLimit, Path.of(outboxDir), sessionCheckInterval, orphanGrace, enableHa, backend,
                redisUrl, instanceId, leaseTiming, Path.of(lockFile), swarmService, logLevel, logFormat, statusPort,
                composeAgentEnabled, controlPlane, composeAgentUrl, composeAgentToken,
                composeAgentTokenFile == null ? null : Path.of(composeAgentTokenFile),
                required(Setting.SIDECAR_CONTAINER), vault, status);
    }

    /** The sidecar's http:// or https:// URL. */
    private URI composeAgentUrl() {
        String value = text(Setting.COMPOSE_AGENT_URL);
        try {
            URI uri = new URI(value == null ? "" : value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problem(Setting.COMPOSE_AGENT_URL, "must be an http:// or https:// URL with a host, got '"
                + (value == null ? "" : value) + "'");
        return null;
    }

    /** A port 0-65535 (0: any free one), or null for {@code off}. */
    private Integer statusPort() {
        String value = text(Setting.STATUS_PORT);
        if (value != null && Set.of("off", "disabled", "none").contains(value.toLowerCase(Locale.ROOT))) {
            return null;
        }
        try {
            int port = Integer.parseInt(value == null ? "" : value);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(Setting.STATUS_PORT, "must be a port from 0 to 65535 (0 picks a free one) or off, got '"
                + (value == null ? "" : value) + "'");
        return null;
    }

    private ControlPlaneTag controlPlane() {
        String value = text(Setting.CONTROL_PLANE);
        var tag = ControlPlaneTag.parse(value);
        if (tag.isEmpty()) {
            problem(Setting.CONTROL_PLANE, "must be status_panel or compose_agent, got '"
                    + (value == null ? "" : value) + "'");
            return null;
        }
        return tag.get();
    }

    /** The host name, as the seed promises ("unique hostnames for each replica"). */
    private static String defaultInstanceId() {
        return defaultInstanceId(System.getenv("HOSTNAME"), KERNEL_HOST_NAME);
    }

    /** Linux's host name, what {@code gethostname()} and {@code hostname} give. */
    static final Path KERNEL_HOST_NAME = Path.of("/proc/sys/kernel/hostname");

    /**
     * {@code HOSTNAME} when set (a container's), else the kernel's host name, else the name service's local host
     * name (a host without {@code /proc}), else one made of the process id. The kernel's is read rather than asked
     * of {@code InetAddress.getLocalHost()}, which gives the same name only after looking it up in the name service:
     * the agent does not wait for DNS to start, and a host whose name does not resolve keeps its id across restarts
     * instead of a new {@code instance-<pid>} (ADR 0030).
     */
    static String defaultInstanceId(String hostnameVariable, Path kernelHostName) {
        if (hostnameVariable != null && !hostnameVariable.isBlank()) {
            return hostnameVariable;
        }
        try {
            String kernel = Files.readString(kernelHostName).strip();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException | RuntimeException e) {
            // no such file: not Linux
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "instance-" + ProcessHandle.current().pid();
        }
    }

    private AgentId agentId() {
        String value = text(Setting.AGENT_ID);
        if (value == null) {
            problems.add("agent id is required: set --agent-id or AGENT_ID");
            return null;
        }
        List<String> reasons = AgentId.problems(value);
        reasons.forEach(reason -> problems.add(reason + " (from " + values.get(Setting.AGENT_ID).source() + ")"));
        return reasons.isEmpty() ? new AgentId(value) : null;
    }

    private URI controlPlaneUrl() {
        String value = text(Setting.CONTROL_PLANE_URL);
        if (value == null) {
            problems.add("control plane URL is required: set --control-plane-url or CONTROL_PLANE_URL"
                    + " (e.g. wss://control.example.com)");
            return null;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                problem(Setting.CONTROL_PLANE_URL, "must start with ws:// or wss://, got '" + value + "'");
                return null;
            }
            if (uri.getHost() == null) {
                problem(Setting.CONTROL_PLANE_URL, "has no host: '" + value + "'");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            problem(Setting.CONTROL_PLANE_URL, "is not a valid URL: " + e.getMessage());
            return null;
        }
    }

    private ApiKey apiKey(VaultConfiguration vault) {
        String value = text(Setting.API_KEY);
        if (value == null && vault != null) {
            return null; // read from Vault at start-up (the key named by --vault-token-key)
        }
        var problem = ApiKey.problem(value);
        if (problem.isPresent()) {
            String source = value == null ? "" : " (from " + values.get(Setting.API_KEY).source() + ")";
            problems.add(problem.get() + source);
            return null;
        }
        return ApiKey.of(value);
    }

    /** Vault is on when address, token and prefix are all set; a partial setup is an error naming what is missing. */
    private VaultConfiguration vault() {
        String address = text(Setting.VAULT_ADDRESS);
        String token = text(Setting.VAULT_TOKEN);
        String prefix = text(Setting.VAULT_PATH_PREFIX);
        if (address == null && token == null && prefix == null) {
            return null;
        }
        List<String> missing = new ArrayList<>();
        if (address == null) {
            missing.add(Setting.VAULT_ADDRESS.displayName());
        }
        if (token == null) {
            missing.add(Setting.VAULT_TOKEN.displayName());
        }
        if (prefix == null) {
            missing.add(Setting.VAULT_PATH_PREFIX.displayName());
        }
        if (!missing.isEmpty()) {
            problems.add("Vault is partly configured: also set " + String.join(", ", missing));
            return null;
        }
        if (!address.matches("https?://.+")) {
            problem(Setting.VAULT_ADDRESS, "must start with http:// or https://, got '" + address + "'");
            return null;
        }
        String hash = text(Setting.DEPLOYMENT_HASH);
        if (hash == null) {
            problems.add(Setting.DEPLOYMENT_HASH.displayName() + " is required with Vault (the path is"
                    + " {prefix}/{deployment hash}/{key})");
            return null;
        }
        String cert = text(Setting.VAULT_CLIENT_CERT);
        String key = text(Setting.VAULT_CLIENT_KEY);
        if ((cert == null) != (key == null)) {
            problems.add("mTLS to Vault needs both " + Setting.VAULT_CLIENT_CERT.displayName() + " and "
                    + Setting.VAULT_CLIENT_KEY.displayName());
            return null;
        }
        return new VaultConfiguration(java.net.URI.create(address), token, prefix, hash,
                required(Setting.VAULT_TOKEN_KEY), cert, key, text(Setting.VAULT_CA_CERT));
    }

    private String text(Setting setting) {
        Value value = values.get(setting);
        return value.text() == null || value.text().isBlank() ? null : value.text().strip();
    }

    private String required(Setting setting) {
        String value = text(setting);
        if (value == null) {
            problem(setting, "must not be empty");
        }
        return value;
    }

    private String oneOf(Setting setting, Set<String> allowed) {
        String value = text(setting);
        String lower = value == null ? null : value.toLowerCase(Locale.ROOT);
        if (lower == null || !allowed.contains(lower)) {
            problem(setting, "must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ", got '"
                    + (value == null ? "" : value) + "'");
            return null;
        }
        return lower;
    }

    private int positive(Setting setting) {
        String value = text(setting);
        try {
            int number = Integer.parseInt(value == null ? "" : value);
            if (number <= 0) {
                problem(setting, "must be a positive integer, got " + number);
            }
            return number;
        } catch (NumberFormatException e) {
            problem(setting, "must be a positive integer, got '" + (value == null ? "" : value) + "'");
            return 0;
        }
    }

    private Duration duration(Setting setting, Duration minimum) {
        String value = text(setting);
        try {
            Duration d = GoDuration.parseLimit(setting.flag(), value == null ? "" : value).orElse(null);
            if (d == null || d.compareTo(minimum) < 0) {
                problem(setting, "must be a duration of at least " + GoDuration.format(minimum) + ", got '"
                        + (value == null ? "" : value) + "'");
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problem(setting, "must be a Go duration such as 5s or 250ms, got '" + value + "'");
            return null;
        }
    }

    private boolean bool(Setting setting) {
        String value = text(setting);
        String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> {
                problem(setting, "must be true or false, got '" + value + "'");
                yield false;
            }
        };
    }

    private void problem(Setting setting, String message) {
        Value value = values.get(setting);
        String source = value == null || value.source().equals("default") ? "" : " (from " + value.source() + ")";
        problems.add(setting.displayName() + " " + message + source);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unknown error";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
