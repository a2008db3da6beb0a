package io.streamspace.agent.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.DockerHost;
import io.streamspace.agent.adapter.docker.compose.ComposeYaml;
import io.streamspace.agent.adapter.host.FileTokenSource;
import io.streamspace.agent.adapter.http.client.StatusPanelClient;
import io.streamspace.agent.adapter.mcp.McpGateway;
import io.streamspace.agent.application.port.out.SessionAgentPanel;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.application.port.out.TokenSource;
import io.streamspace.agent.application.service.gateway.AgentSessionService;
import io.streamspace.agent.application.service.gateway.AgentStackService;
import io.streamspace.agent.application.service.gateway.GatewayScope;
import io.streamspace.agent.application.service.gateway.HostContainerService;
import io.streamspace.agent.application.service.gateway.HostImageService;
import io.streamspace.agent.application.service.metrics.CommandOutcomeListener;
import io.streamspace.agent.application.service.stack.StackService;
import io.streamspace.agent.bootstrap.config.AgentVersion;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.bootstrap.config.VaultConfiguration;
import io.streamspace.agent.bootstrap.wiring.VaultModule;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Builds the MCP gateway of either role ({@code compose-agent} over HTTP, {@code mcp} over stdio) from the Docker
 * adapter and the use cases, and parses the gateway's policy settings.
 */
final class McpGateways {

    /** The gateway's policy settings, validated; {@code sessionAgent} is null when none is configured. */
    record Policy(Set<String> allowTools, boolean allObjects, SessionAgent sessionAgent) {}

    /**
     * The session agent's status panel and the token the gateway presents to it; {@link #toString()} hides the token.
     *
     * @param token    the token itself, or null
     * @param file     the file holding it (re-read on every request), or null
     * @param vaultKey the Vault key holding it (refreshed every minute), or null
     */
    record SessionAgent(URI url, String token, Path file, String vaultKey) {
        @Override
        public String toString() {
            return "SessionAgent[url=" + url + ", token=" + (token == null ? "none" : "****") + ", file=" + file
                    + ", vaultKey=" + vaultKey + "]";
        }
    }

    private McpGateways() {
    }

    /**
     * @param sessions the session runtime (metered in the compose-agent role) that image pulls use
     * @param stacks   the stack runtime (metered in the compose-agent role)
     * @param agentIds whose objects are in scope; the first owns the stacks the gateway brings up
     * @param vault    Vault from the environment, for the session agent's token; null when not configured
     */
    static McpGateway build(DockerClients docker, SessionRuntime sessions, StackRuntime stacks, List<String> agentIds,
                            Policy policy, VaultConfiguration vault, CommandOutcomeListener metrics) {
        DockerHost host = new DockerHost(docker);
        GatewayScope scope = new GatewayScope(agentIds, policy.allObjects());
        HostImageService images = new HostImageService(host, host, sessions);
        SessionAgentPanel panel = policy.sessionAgent() == null ? null : panel(policy.sessionAgent(), vault);
        return new McpGateway(
                new HostContainerService(host, scope),
                images,
                images,
                new AgentSessionService(host, scope, panel),
                new AgentStackService(new StackService(stacks, new ComposeYaml()), host, scope),
                new McpGateway.Policy(policy.allowTools(), Setting.MCP_ALLOW_TOOLS.displayName(),
                        Setting.MCP_SCOPE.displayName(), policy.allObjects() ? "all objects of the engine"
                        : "objects labelled streamspace.managed=true and streamspace.agent.id in " + agentIds,
                        panel == null ? null : panel.location(), Setting.MCP_SESSION_AGENT_URL.displayName(),
                        Setting.MCP_SESSION_AGENT_TOKEN_FILE.displayName() + " (or "
                                + Setting.MCP_SESSION_AGENT_TOKEN.flag() + ", "
                                + Setting.MCP_SESSION_AGENT_TOKEN_VAULT_KEY.flag() + ")"),
                metrics, AgentVersion.current());
    }

    private static SessionAgentPanel panel(SessionAgent agent, VaultConfiguration vault) {
        Supplier<Optional<String>> token;
        if (agent.vaultKey() != null) {
            TokenSource source = VaultModule.composeAgentTokens(VaultModule.open(vault), agent.vaultKey(),
                    Clock.systemUTC());
            token = () -> source.tokenFor("mcp-session-agent");
        } else if (agent.file() != null) {
            FileTokenSource source = new FileTokenSource(agent.file(), "the session agent's status write token");
            token = () -> source.tokenFor("mcp-session-agent");
        } else {
            Optional<String> fixed = Optional.ofNullable(agent.token());
            token = () -> fixed;
        }
        return new StatusPanelClient(agent.url(), token, new ObjectMapper());
    }

    /** Parses the policy settings from resolved values, adding one line per problem. */
    static Policy policy(Map<Setting, String> values, boolean vaultConfigured, List<String> problems) {
        Set<String> allowed = new LinkedHashSet<>();
        Set<String> destructive = McpGateway.destructiveToolNames();
        String allowTools = values.get(Setting.MCP_ALLOW_TOOLS);
        if (allowTools != null) {
            for (String item : allowTools.split(",")) {
                String name = item.strip();
                if (name.isEmpty()) {
                    continue;
                }
                if (destructive.contains(name)) {
                    allowed.add(name);
                } else if (McpGateway.toolNames().contains(name)) {
                    problems.add(Setting.MCP_ALLOW_TOOLS.displayName() + ": " + name + " is not destructive and is"
                            + " always enabled; list only " + destructive);
                } else {
                    problems.add(Setting.MCP_ALLOW_TOOLS.displayName() + ": unknown tool '" + name + "' (destructive"
                            + " tools: " + destructive + ")");
                }
            }
        }
        String scope = values.get(Setting.MCP_SCOPE);
        String s = scope == null ? "managed" : scope.strip().toLowerCase(Locale.ROOT);
        if (!s.equals("managed") && !s.equals("all")) {
            problems.add(Setting.MCP_SCOPE.displayName() + " must be managed or all, got '" + scope + "'");
        }
        return new Policy(new TreeSet<>(allowed), s.equals("all"), sessionAgent(values, vaultConfigured, problems));
    }

    private static SessionAgent sessionAgent(Map<Setting, String> values, boolean vaultConfigured,
                                             List<String> problems) {
        String url = values.get(Setting.MCP_SESSION_AGENT_URL);
        String token = values.get(Setting.MCP_SESSION_AGENT_TOKEN);
        String file = values.get(Setting.MCP_SESSION_AGENT_TOKEN_FILE);
        String vaultKey = values.get(Setting.MCP_SESSION_AGENT_TOKEN_VAULT_KEY);
        long sources = java.util.stream.Stream.of(token, file, vaultKey).filter(v -> v != null).count();
        if (url == null) {
            if (sources > 0) {
                problems.add("a session agent token is set but " + Setting.MCP_SESSION_AGENT_URL.displayName()
                        + " is not: set the agent's status panel URL too");
            }
            return null;
        }
        URI uri = null;
        try {
            uri = URI.create(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            problems.add(Setting.MCP_SESSION_AGENT_URL.displayName() + " must be an http:// or https:// URL of the"
                    + " agent's status panel (e.g. http://127.0.0.1:5001), got '" + url + "'");
        }
        if (sources > 1) {
            problems.add("set only one of " + Setting.MCP_SESSION_AGENT_TOKEN.flag() + ", "
                    + Setting.MCP_SESSION_AGENT_TOKEN_FILE.flag() + " and "
                    + Setting.MCP_SESSION_AGENT_TOKEN_VAULT_KEY.flag());
        }
        if (vaultKey != null && !vaultConfigured) {
            problems.add(Setting.MCP_SESSION_AGENT_TOKEN_VAULT_KEY.displayName() + " needs Vault (VAULT_ADDRESS,"
                    + " VAULT_TOKEN, VAULT_AGENT_PATH_PREFIX, DEPLOYMENT_HASH)");
        }
        return new SessionAgent(uri, token, file == null ? null : Path.of(file), vaultKey);
    }
}
