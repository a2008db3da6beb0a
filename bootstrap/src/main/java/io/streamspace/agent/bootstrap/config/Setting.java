package io.streamspace.agent.bootstrap.config;

import java.util.List;

/**
 * Every setting of the session agent: its flag, its environment variables, its config-file key and its default.
 * The first columns are the seed's tables and are a contract with operators: do not rename.
 */
public enum Setting {
    AGENT_ID("--agent-id", List.of("AGENT_ID"), null, "ID",
            "Unique agent identifier (e.g. docker-prod-us-east-1). Required."),
    CONTROL_PLANE_URL("--control-plane-url", List.of("CONTROL_PLANE_URL"), null, "URL",
            "Control plane WebSocket URL, ws:// or wss:// (e.g. wss://control.example.com). Required."),
    API_KEY("--api-key", List.of("API_KEY", "AGENT_API_KEY"), null, "KEY",
            "Agent API key, 64 hexadecimal characters. Required. Prefer the environment variable to the flag.", true),
    PLATFORM("--platform", List.of("PLATFORM"), "docker", "NAME", "Platform type reported to the control plane."),
    REGION("--region", List.of("REGION"), null, "REGION", "Deployment region (2-50 characters)."),
    DOCKER_HOST("--docker-host", List.of("DOCKER_HOST"), "unix:///var/run/docker.sock", "URI",
            "Docker API socket: Docker's, or Podman's (podman system service); the engine is detected."),
    NETWORK("--network", List.of("NETWORK_NAME"), "streamspace", "NAME", "Docker network for session containers."),
    VOLUME_DRIVER("--volume-driver", List.of("VOLUME_DRIVER"), "local", "DRIVER", "Docker volume driver."),
    MAX_CPU("--max-cpu", List.of("MAX_CPU"), "100", "CORES", "Maximum CPU cores available to sessions."),
    MAX_MEMORY("--max-memory", List.of("MAX_MEMORY"), "128", "GB", "Maximum memory available to sessions, in GB."),
    MAX_SESSIONS("--max-sessions", List.of("MAX_SESSIONS"), "100", "N", "Maximum concurrent sessions."),
    HEARTBEAT_INTERVAL("--heartbeat-interval", List.of("HEALTH_CHECK_INTERVAL"), "30", "SECONDS",
            "Heartbeat interval in seconds (below the control plane's 45 s liveness limit)."),
    HOST_ADDRESS("--host-address", List.of("SESSION_HOST_ADDRESS"), "127.0.0.1", "IP",
            "Host address session ports are published on (random host ports)."),
    HOME_MOUNT_PATH("--home-mount-path", List.of("HOME_MOUNT_PATH"), "/config", "PATH",
            "Where a session's persistent home volume is mounted in its container."),
    HIBERNATE_MODE("--hibernate-mode", List.of("HIBERNATE_MODE"), "stop", "MODE",
            "Hibernation: stop (frees CPU and memory, keeps the disk) or pause (keeps memory)."),
    MAX_PARALLEL_STARTS("--max-parallel-starts", List.of("MAX_PARALLEL_STARTS"), "4", "N",
            "Session starts run in parallel up to this bound (parallel container starts slow each other down)."),
    PIDS_LIMIT("--pids-limit", List.of("SESSION_PIDS_LIMIT"), "512", "N", "PIDs limit of each session container."),
    OUTBOX_DIR("--outbox-dir", List.of("OUTBOX_DIR"), "/var/lib/streamspace/outbox", "DIR",
            "Directory of the durable outbox that keeps results while the control plane is unreachable."),
    SESSION_CHECK_INTERVAL("--session-check-interval", List.of("SESSION_CHECK_INTERVAL"), "5s", "DURATION",
            "How often sessions are checked against their idleTimeout and maxSessionDuration (Go duration, e.g."
                    + " 5s or 250ms; at least 10ms)."),
    ORPHAN_GRACE("--orphan-grace", List.of("ORPHAN_GRACE"), "30s", "DURATION",
            "How long a session container this agent does not know (e.g. a create that finished after a restart)"
                    + " may exist before the periodic reconciler removes it (never started) or reports it; the"
                    + " sweep runs this often (Go duration, at least 1s)."),
    ENABLE_HA("--enable-ha", List.of("ENABLE_HA"), "false", "BOOL", "Enable HA mode with leader election."),
    LEADER_ELECTION_BACKEND("--leader-election-backend", List.of("LEADER_ELECTION_BACKEND"), "file", "BACKEND",
            "Leader election backend: file, redis or swarm."),
    REDIS_URL("--redis-url", List.of("REDIS_URL"), null, "URL",
            "Redis URL for the redis backend, redis://[user:password@]host:port/db or rediss:// for TLS.", true),
    INSTANCE_ID("--instance-id", List.of("INSTANCE_ID"), null, "ID",
            "This replica's identity in leader election. Default: the host name."),
    LEASE_DURATION("--lease-duration", List.of("LEASE_DURATION"), "15s", "DURATION",
            "Leader lease (Go duration); must be longer than the renew deadline."),
    RENEW_DEADLINE("--renew-deadline", List.of("RENEW_DEADLINE"), "10s", "DURATION",
            "A leader that cannot renew within this steps down; must be longer than the retry period."),
    RETRY_PERIOD("--retry-period", List.of("RETRY_PERIOD"), "2s", "DURATION",
            "How often standbys try to acquire and the leader renews."),
    LOCK_FILE_PATH("--lock-file-path", List.of("LOCK_FILE_PATH"), "/var/run/streamspace/agent.lock", "PATH",
            "Lock file for the file backend (single host only)."),
    SWARM_SERVICE("--swarm-service", List.of("SWARM_SERVICE"), null, "SERVICE",
            "Swarm service (name or id) whose labels hold the lease for the swarm backend; the agent must run on a"
                    + " manager node. Default: the service this agent's container is a task of."),
    STATUS_PORT("--status-port", List.of("STATUS_PORT"), "5001", "PORT",
            "Port of the status API and the status panel (/ dashboard, /health, /capabilities, /api/v1/sessions,"
                    + " /api/v1/agent, /api/v1/events, /api/v1/metrics, /api/v1/diagnostics/commands, Prometheus"
                    + " /metrics); 0 picks a free port, off disables it."),
    STATUS_ADDRESS("--status-address", List.of("STATUS_ADDRESS"), "127.0.0.1", "IP",
            "Address the status API listens on. Anything but loopback (e.g. 0.0.0.0 in a container) needs a status"
                    + " token, or the process refuses to start."),
    STATUS_TOKEN("--status-token", List.of("STATUS_TOKEN"), null, "TOKEN",
            "Bearer token for every status route but /health (read scope). Prefer --status-token-file.", true),
    STATUS_TOKEN_FILE("--status-token-file", List.of("STATUS_TOKEN_FILE"), null, "FILE",
            "File holding the status read token, re-read on every request (rotation without a restart)."),
    STATUS_WRITE_TOKEN("--status-write-token", List.of("STATUS_WRITE_TOKEN"), null, "TOKEN",
            "Bearer token with the write scope: everything the read token allows, plus hibernate, wake and stop on"
                    + " the status panel. Prefer --status-write-token-file.", true),
    STATUS_WRITE_TOKEN_FILE("--status-write-token-file", List.of("STATUS_WRITE_TOKEN_FILE"), null, "FILE",
            "File holding the status write token, re-read on every request."),
    STATUS_TOKEN_VAULT_KEY("--status-token-vault-key", List.of("STATUS_TOKEN_VAULT_KEY"), null, "KEY",
            "Read the status read token from Vault (KV v2, {prefix}/{hash}/KEY, field token), refreshed every"
                    + " minute; needs the Vault settings."),
    STATUS_WRITE_TOKEN_VAULT_KEY("--status-write-token-vault-key", List.of("STATUS_WRITE_TOKEN_VAULT_KEY"), null,
            "KEY", "Read the status write token from Vault, like --status-token-vault-key."),
    COMPOSE_AGENT_ENABLED("--compose-agent-enabled", List.of("COMPOSE_AGENT_ENABLED"), "false", "BOOL",
            "Perform every Docker operation through the compose-agent sidecar ('docker-agent compose-agent') at"
                    + " --compose-agent-url, signed with the compose-agent token. false: legacy mode, the agent uses"
                    + " Docker itself."),
    COMPOSE_AGENT_URL("--compose-agent-url", List.of("COMPOSE_AGENT_URL"), "http://127.0.0.1:5002", "URL",
            "The compose-agent sidecar's local API (loopback or a private network, never published)."),
    COMPOSE_AGENT_TOKEN("--compose-agent-token", List.of("COMPOSE_AGENT_TOKEN"), null, "TOKEN",
            "The compose-agent token that signs the local API's requests (HMAC-SHA256). Prefer"
                    + " --compose-agent-token-file, which is re-read so a rotated token needs no restart.", true),
    COMPOSE_AGENT_TOKEN_FILE("--compose-agent-token-file", List.of("COMPOSE_AGENT_TOKEN_FILE"), null, "FILE",
            "File holding the compose-agent token, re-read on every request (rotation without a restart)."),
    LISTEN("--listen", List.of("COMPOSE_AGENT_LISTEN"), "127.0.0.1:5002", "ADDRESS:PORT",
            "compose-agent role: where the local API listens (loopback or a private Docker network; port 0 picks"
                    + " a free one)."),
    ALLOWED_AGENTS("--allowed-agents", List.of("COMPOSE_AGENT_ALLOWED_AGENTS"), null, "LIST",
            "compose-agent role: agent ids allowed to call, comma-separated, each optionally with its scopes:"
                    + " agent-1,reader=sessions:read (scopes: sessions:read, sessions:write, stacks:write; default"
                    + " all). Required."),
    REQUESTS_PER_MINUTE("--requests-per-minute", List.of("COMPOSE_AGENT_REQUESTS_PER_MINUTE"), "120", "N",
            "compose-agent role: requests per sliding minute each agent id may make (more answer 429 with"
                    + " Retry-After; the agent's client waits and retries)."),
    CONTROL_PLANE("--control-plane", List.of("CONTROL_PLANE"), "status_panel", "PLANE",
            "The plane this process belongs to, status_panel or compose_agent; every command it executes is"
                    + " counted under it."),
    SIDECAR_CONTAINER("--sidecar-container", List.of("COMPOSE_AGENT_CONTAINER"), "compose-agent", "NAME",
            "In sidecar mode, the compose-agent container the watchdog supervises (restarts with backoff)."),
    VAULT_ADDRESS("--vault-address", List.of("VAULT_ADDRESS"), null, "URL",
            "Vault address (http:// or https://). Vault is on when address, token and path prefix are set."),
    VAULT_TOKEN("--vault-token", List.of("VAULT_TOKEN"), null, "TOKEN", "Vault token (prefer the environment).", true),
    VAULT_PATH_PREFIX("--vault-path-prefix", List.of("VAULT_AGENT_PATH_PREFIX"), null, "PREFIX",
            "KV v2 path prefix, mount first (e.g. secret/agent)."),
    DEPLOYMENT_HASH("--deployment-hash", List.of("DEPLOYMENT_HASH"), null, "HASH",
            "Deployment hash: the path segment under the prefix."),
    VAULT_TOKEN_KEY("--vault-token-key", List.of("VAULT_TOKEN_KEY"), "status_panel_token", "KEY",
            "The Vault key this process's token is read from; also supplies the API key when none is set."),
    VAULT_CLIENT_CERT("--vault-client-cert", List.of("VAULT_CLIENT_CERT_PATH", "VAULT_CLIENT_CERT"), null, "PEM",
            "Client certificate for mTLS to Vault: a PEM file path or PEM text."),
    VAULT_CLIENT_KEY("--vault-client-key", List.of("VAULT_CLIENT_KEY_PATH", "VAULT_CLIENT_KEY"), null, "PEM",
            "Client key (PKCS#1 or PKCS#8) for mTLS to Vault: a PEM file path or PEM text.", true),
    VAULT_CA_CERT("--vault-ca-cert", List.of("VAULT_CACERT"), null, "PEM",
            "CA certificate(s) to trust for Vault: a PEM file path or PEM text."),
    MCP_LISTEN("--mcp-listen", List.of("MCP_LISTEN"), "off", "ADDRESS:PORT",
            "compose-agent role: where the MCP gateway serves Streamable HTTP (path /mcp), on a loopback address only"
                    + " (port 0 picks a free one); off disables it. Needs a bearer token: --mcp-token-file,"
                    + " --mcp-token or Vault's mcp_token."),
    MCP_TOKEN("--mcp-token", List.of("MCP_TOKEN"), null, "TOKEN",
            "Bearer token MCP HTTP clients must send (prefer --mcp-token-file).", true),
    MCP_TOKEN_FILE("--mcp-token-file", List.of("MCP_TOKEN_FILE"), null, "FILE",
            "File holding the MCP bearer token, re-read on every request (rotation without a restart)."),
    MCP_ALLOWED_ORIGINS("--mcp-allowed-origins", List.of("MCP_ALLOWED_ORIGINS"), null, "LIST",
            "Browser origins (scheme://host:port, comma-separated) allowed to call the MCP HTTP endpoint besides its"
                    + " own loopback origin; any other Origin header is refused (DNS rebinding)."),
    MCP_ALLOW_TOOLS("--mcp-allow-tools", List.of("MCP_ALLOW_TOOLS"), null, "LIST",
            "Destructive MCP tools to enable, by name, comma-separated (container_stop, container_restart,"
                    + " session_hibernate, stack_up, stack_down); the others refuse every call."),
    MCP_SCOPE("--mcp-scope", List.of("MCP_SCOPE"), "managed", "SCOPE",
            "What MCP tools see and act on: managed (objects carrying this agent's labels: its sessions and the"
                    + " stacks the gateway brought up) or all (every object of the engine)."),
    MCP_SESSION_AGENT_URL("--mcp-session-agent-url", List.of("MCP_SESSION_AGENT_URL"), null, "URL",
            "The session agent's status panel (e.g. http://127.0.0.1:5001, or http://agent:5001 beside it in Compose):"
                    + " the MCP tools session_hibernate and session_wake ask that agent to act (its panel's session"
                    + " actions, so its control plane hears of them), and session_list/session_inspect show its view."
                    + " Unset: those two tools refuse."),
    MCP_SESSION_AGENT_TOKEN("--mcp-session-agent-token", List.of("MCP_SESSION_AGENT_TOKEN"), null, "TOKEN",
            "The session agent's status write token (its --status-write-token), presented to its panel (prefer"
                    + " --mcp-session-agent-token-file).", true),
    MCP_SESSION_AGENT_TOKEN_FILE("--mcp-session-agent-token-file", List.of("MCP_SESSION_AGENT_TOKEN_FILE"), null,
            "FILE", "File holding the session agent's status write token, re-read on every request (rotation"
                    + " without a restart)."),
    MCP_SESSION_AGENT_TOKEN_VAULT_KEY("--mcp-session-agent-token-vault-key",
            List.of("MCP_SESSION_AGENT_TOKEN_VAULT_KEY"), null, "KEY",
            "Read the session agent's status write token from Vault (KV v2, {prefix}/{hash}/KEY, field token; the"
                    + " key the agent's --status-write-token-vault-key names), refreshed every minute; needs VAULT_*."),
    LOG_LEVEL("--log-level", List.of("LOG_LEVEL"), "info", "LEVEL", "Log level: error, warn, info, debug or trace."),
    LOG_FORMAT("--log-format", List.of("LOG_FORMAT"), "text", "FORMAT", "Log format: text or json."),
    PROXY_LISTEN("--proxy-listen", List.of("SOCKET_PROXY_LISTEN"), "127.0.0.1:2375", "ADDRESS:PORT",
            "socket-proxy role: where the watchdog's narrow Docker API listens (loopback or a private Docker"
                    + " network, never published)."),
    PROXY_CONTAINERS("--proxy-containers", List.of("SOCKET_PROXY_CONTAINERS"), "compose-agent", "LIST",
            "socket-proxy role: the containers whose inspect, logs and restart pass, comma-separated names.");

    /** Settings of the compose-agent role (and the MCP gateway) that run and dev do not offer. */
    public static final java.util.Set<Setting> COMPOSE_AGENT_ROLE_ONLY = java.util.EnumSet.of(LISTEN, ALLOWED_AGENTS,
            REQUESTS_PER_MINUTE, MCP_LISTEN, MCP_TOKEN, MCP_TOKEN_FILE, MCP_ALLOWED_ORIGINS, MCP_ALLOW_TOOLS, MCP_SCOPE,
            MCP_SESSION_AGENT_URL, MCP_SESSION_AGENT_TOKEN, MCP_SESSION_AGENT_TOKEN_FILE,
            MCP_SESSION_AGENT_TOKEN_VAULT_KEY);

    /** Settings only the socket-proxy role has: not offered by run and dev. */
    public static final java.util.Set<Setting> SOCKET_PROXY_ROLE_ONLY = java.util.EnumSet.of(PROXY_LISTEN,
            PROXY_CONTAINERS);

    /** The settings of the socket-proxy role. */
    public static final java.util.Set<Setting> SOCKET_PROXY_ROLE = java.util.EnumSet.of(PROXY_LISTEN, PROXY_CONTAINERS,
            DOCKER_HOST, LOG_LEVEL, LOG_FORMAT);

    /** The settings of the compose-agent role. */
    public static final java.util.Set<Setting> COMPOSE_AGENT_ROLE = java.util.EnumSet.of(LISTEN, ALLOWED_AGENTS,
            REQUESTS_PER_MINUTE, COMPOSE_AGENT_TOKEN, COMPOSE_AGENT_TOKEN_FILE, DOCKER_HOST, CONTROL_PLANE, LOG_LEVEL, LOG_FORMAT,
            STATUS_PORT, STATUS_ADDRESS, STATUS_TOKEN, STATUS_TOKEN_FILE, STATUS_WRITE_TOKEN, STATUS_WRITE_TOKEN_FILE,
            STATUS_TOKEN_VAULT_KEY, STATUS_WRITE_TOKEN_VAULT_KEY, MCP_LISTEN, MCP_TOKEN, MCP_TOKEN_FILE,
            MCP_ALLOWED_ORIGINS, MCP_ALLOW_TOOLS, MCP_SCOPE, MCP_SESSION_AGENT_URL, MCP_SESSION_AGENT_TOKEN,
            MCP_SESSION_AGENT_TOKEN_FILE, MCP_SESSION_AGENT_TOKEN_VAULT_KEY);

    /** The settings of {@code docker-agent mcp}, the gateway on stdio. */
    public static final java.util.Set<Setting> MCP_STDIO = java.util.EnumSet.of(AGENT_ID, DOCKER_HOST, MCP_ALLOW_TOOLS,
            MCP_SCOPE, MCP_SESSION_AGENT_URL, MCP_SESSION_AGENT_TOKEN, MCP_SESSION_AGENT_TOKEN_FILE,
            MCP_SESSION_AGENT_TOKEN_VAULT_KEY, CONTROL_PLANE, STATUS_PORT, LOG_LEVEL,
            LOG_FORMAT);

    private final String flag;
    private final List<String> environment;
    private final String defaultValue;
    private final String label;
    private final String description;
    private final boolean secret;

    Setting(String flag, List<String> environment, String defaultValue, String label, String description) {
        this(flag, environment, defaultValue, label, description, false);
    }

    Setting(String flag, List<String> environment, String defaultValue, String label, String description,
            boolean secret) {
        this.flag = flag;
        this.environment = environment;
        this.defaultValue = defaultValue;
        this.label = label;
        this.description = description;
        this.secret = secret;
    }

    public String flag() {
        return flag;
    }

    public List<String> environment() {
        return environment;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** Secret values are never printed: not in help, logs or error messages. */
    public boolean secret() {
        return secret;
    }

    /** The config-file key: the flag without dashes; files may write it kebab, snake or camel case. */
    public String fileKey() {
        return flag.substring(2);
    }

    static String normalizeKey(String key) {
        return key.replace("-", "").replace("_", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** How operators refer to this setting in messages: {@code --api-key (API_KEY)}. */
    public String displayName() {
        return flag + " (" + String.join(" / ", environment) + ")";
    }
}
