package io.streamspace.agent.bootstrap;

import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.DockerHost;
import io.streamspace.agent.adapter.docker.compose.ComposeYaml;
import io.streamspace.agent.adapter.mcp.McpGateway;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.application.service.gateway.AgentSessionService;
import io.streamspace.agent.application.service.gateway.AgentStackService;
import io.streamspace.agent.application.service.gateway.GatewayScope;
import io.streamspace.agent.application.service.gateway.HostContainerService;
import io.streamspace.agent.application.service.gateway.HostImageService;
import io.streamspace.agent.application.service.metrics.CommandOutcomeListener;
import io.streamspace.agent.application.service.session.HibernateMode;
import io.streamspace.agent.application.service.session.SessionSettings;
import io.streamspace.agent.application.service.stack.StackService;
import io.streamspace.agent.bootstrap.config.AgentVersion;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.domain.capacity.CapacityAdmission;
import io.streamspace.agent.domain.capacity.CapacityLimits;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the MCP gateway of either role ({@code compose-agent} over HTTP, {@code mcp} over stdio) from the Docker
 * adapter and the use cases, and parses the gateway's policy settings.
 */
final class McpGateways {

    /** The gateway's policy and session settings, validated. */
    record Policy(Set<String> allowTools, boolean allObjects, HibernateMode hibernateMode, CapacityLimits limits) {}

    private McpGateways() {
    }

    /**
     * @param sessions the session runtime (metered in the compose-agent role) that hibernate, wake and pulls use
     * @param stacks   the stack runtime (metered in the compose-agent role)
     * @param agentIds whose objects are in scope; the first owns the stacks the gateway brings up
     */
    static McpGateway build(DockerClients docker, SessionRuntime sessions, StackRuntime stacks, List<String> agentIds,
                            Policy policy, CommandOutcomeListener metrics) {
        DockerHost host = new DockerHost(docker);
        GatewayScope scope = new GatewayScope(agentIds, policy.allObjects());
        HostImageService images = new HostImageService(host, host, sessions);
        return new McpGateway(
                new HostContainerService(host, scope),
                images,
                images,
                new AgentSessionService(host, sessions, scope,
                        id -> SessionSettings.defaults(id).withHibernateMode(policy.hibernateMode()),
                        new CapacityAdmission(policy.limits()), Clock.systemUTC()),
                new AgentStackService(new StackService(stacks, new ComposeYaml()), host, scope),
                new McpGateway.Policy(policy.allowTools(), Setting.MCP_ALLOW_TOOLS.displayName(),
                        Setting.MCP_SCOPE.displayName(), policy.allObjects() ? "all objects of the engine"
                        : "objects labelled streamspace.managed=true and streamspace.agent.id in " + agentIds),
                metrics, AgentVersion.current());
    }

    /** Parses the policy settings from resolved values, adding one line per problem. */
    static Policy policy(String allowTools, String scope, String hibernateMode, String maxCpu, String maxMemory,
                         String maxSessions, List<String> problems) {
        Set<String> allowed = new LinkedHashSet<>();
        Set<String> destructive = McpGateway.destructiveToolNames();
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
        String s = scope == null ? "managed" : scope.strip().toLowerCase(Locale.ROOT);
        if (!s.equals("managed") && !s.equals("all")) {
            problems.add(Setting.MCP_SCOPE.displayName() + " must be managed or all, got '" + scope + "'");
        }
        HibernateMode mode = HibernateMode.STOP;
        if ("pause".equalsIgnoreCase(hibernateMode)) {
            mode = HibernateMode.PAUSE;
        } else if (hibernateMode != null && !"stop".equalsIgnoreCase(hibernateMode)) {
            problems.add(Setting.HIBERNATE_MODE.displayName() + " must be stop or pause, got '" + hibernateMode + "'");
        }
        CapacityLimits limits = null;
        try {
            limits = CapacityLimits.of(Integer.parseInt(maxSessions), Double.parseDouble(maxCpu),
                    Double.parseDouble(maxMemory));
        } catch (RuntimeException e) {
            problems.add("capacity limits (" + Setting.MAX_SESSIONS.displayName() + ", " + Setting.MAX_CPU.displayName()
                    + ", " + Setting.MAX_MEMORY.displayName() + ") must be positive numbers: " + e.getMessage());
        }
        return new Policy(new TreeSet<>(allowed), s.equals("all"), mode, limits);
    }
}
