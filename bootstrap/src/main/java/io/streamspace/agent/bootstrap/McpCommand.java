package io.streamspace.agent.bootstrap;

import io.streamspace.agent.bootstrap.logging.AgentLoggers;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.DockerSessionRuntime;
import io.streamspace.agent.adapter.docker.compose.DockerStackRuntime;
import io.streamspace.agent.adapter.host.ProcHostMetrics;
import io.streamspace.agent.adapter.http.StatusHttpServer;
import io.streamspace.agent.adapter.mcp.McpGateway;
import io.streamspace.agent.adapter.mcp.McpStdioServer;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.service.metrics.AgentStatusService;
import io.streamspace.agent.application.service.metrics.CommandMetricsRecorder;
import io.streamspace.agent.application.service.metrics.MeteredSessionRuntime;
import io.streamspace.agent.application.service.metrics.MeteredStackRuntime;
import io.streamspace.agent.bootstrap.config.AgentVersion;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.bootstrap.config.VaultConfiguration;
import io.streamspace.agent.domain.identity.AgentId;
import io.streamspace.agent.domain.metrics.CommandMetrics;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code docker-agent mcp}: the MCP gateway for one assistant on stdio, over the local Docker engine. Standard output
 * carries JSON-RPC only: logs go to standard error, and {@code System.out} is pointed at standard error too, so no
 * stray print can corrupt the stream. Ends when the client closes stdin (exit 0) or on SIGTERM.
 */
final class McpCommand {

    private static final Logger LOG = LoggerFactory.getLogger("McpGateway");

    private final Map<String, String> env;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    McpCommand(Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        this.env = env;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    int run(Map<Setting, String> flags) {
        Map<Setting, String> values = RoleSettings.sidecarValues(Setting.MCP_STDIO, flags, env);
        List<String> problems = new ArrayList<>();
        String agentId = values.get(Setting.AGENT_ID);
        if (agentId == null) {
            problems.add(Setting.AGENT_ID.displayName() + " is required: the agent whose sessions and stacks the"
                    + " gateway may see");
        } else {
            AgentId.problems(agentId).forEach(p -> problems.add(Setting.AGENT_ID.displayName() + ": " + p));
        }
        VaultConfiguration vault = ComposeAgentRole.vaultFromEnvironment(env);
        McpGateways.Policy policy = McpGateways.policy(values, vault != null, problems);
        ControlPlaneTag plane = RoleSettings.controlPlane(values, problems);
        Integer statusPort = RoleSettings.statusPort(values, problems);
        if (!problems.isEmpty()) {
            return RoleSettings.reportConfigurationErrors(err, "mcp", problems);
        }
        AgentLoggers.configure(values.get(Setting.LOG_LEVEL), values.get(Setting.LOG_FORMAT), true);
        PrintStream jsonRpc = out;
        System.setOut(System.err);
        return serve(values.get(Setting.DOCKER_HOST), agentId, policy, vault, plane, statusPort, jsonRpc);
    }

    private int serve(String dockerHost, String agentId, McpGateways.Policy policy, VaultConfiguration vault,
                      ControlPlaneTag plane, Integer statusPort, PrintStream jsonRpc) {
        CommandMetricsRecorder metrics = new CommandMetricsRecorder(plane, new CommandMetrics(), Clock.systemUTC());
        StatusHttpServer status = null;
        CountDownLatch done = new CountDownLatch(1);
        try (DockerClients docker = DockerClients.create(dockerHost)) {
            if (statusPort != null) {
                status = StatusHttpServer.start("127.0.0.1", statusPort, new AgentStatusService(metrics,
                        ProcHostMetrics.system(), new QueryAgentStatus.Capabilities(false, plane, AgentVersion.current(),
                        List.of("docker", "sessions", "compose", "metrics", "mcp"))), new ObjectMapper());
                LOG.info("status API on http://127.0.0.1:{}", status.port());
            }
            SessionRuntime sessions = new MeteredSessionRuntime(DockerSessionRuntime.open(docker), metrics);
            DockerStackRuntime stacks = new DockerStackRuntime(docker, image -> sessions.pullImage(image, l -> { }),
                    Duration.ofMinutes(2), DockerStackRuntime.DEFAULT_STOP_GRACE);
            McpGateway gateway = McpGateways.build(docker, sessions, new MeteredStackRuntime(stacks, metrics),
                    List.of(agentId), policy, vault, metrics);
            McpStdioServer server = McpStdioServer.start(gateway, in, jsonRpc);
            Thread hook = new Thread(() -> {
                server.close();
                try {
                    done.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            LOG.info("MCP gateway serving stdio for agent {} (scope {}, destructive tools enabled: {}, session agent: {})",
                    agentId, policy.allObjects() ? "all" : "managed",
                    policy.allowTools().isEmpty() ? "none" : policy.allowTools(), policy.sessionAgent() == null
                            ? "none, session_hibernate and session_wake refuse" : policy.sessionAgent().url());
            server.awaitClientGone();
            LOG.info("MCP client closed stdin; stopping");
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs already
            }
            return DockerAgentMain.EXIT_OK;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return DockerAgentMain.EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DockerAgentMain.EXIT_FAILED;
        } catch (RuntimeException e) {
            err.println("error: the MCP gateway failed: " + e.getMessage());
            return DockerAgentMain.EXIT_FAILED;
        } finally {
            if (status != null) {
                status.close();
            }
            done.countDown();
        }
    }
}
