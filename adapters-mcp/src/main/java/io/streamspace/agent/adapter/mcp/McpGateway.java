package io.streamspace.agent.adapter.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.streamspace.agent.application.port.in.DescribeHostEngine;
import io.streamspace.agent.application.port.in.ManageAgentSessions;
import io.streamspace.agent.application.port.in.ManageAgentStacks;
import io.streamspace.agent.application.port.in.ManageHostContainers;
import io.streamspace.agent.application.port.in.ManageHostImages;
import io.streamspace.agent.application.port.in.ObjectNotFoundException;
import io.streamspace.agent.application.port.in.OperationFailedException;
import io.streamspace.agent.application.port.in.OutOfScopeException;
import io.streamspace.agent.application.port.in.SessionAgentRequiredException;
import io.streamspace.agent.application.service.metrics.CommandOutcomeListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The MCP gateway: the tools of {@link GatewayToolbox} behind the policy, on the official Java SDK's server, over any
 * of its transports ({@code docker-agent mcp} on stdio, {@link McpHttpServer} on Streamable HTTP).
 *
 * <p>Every call: the policy first (a destructive tool must be allow-listed by name), then the argument check, then
 * the use case. Refusals and bad arguments are MCP errors (JSON-RPC errors) whose message says what to change; a
 * tool that ran and failed returns an error result with the reason. No response ever carries a stack trace.
 */
public final class McpGateway {

    /** JSON-RPC error code of a call the gateway's policy refused (the server-defined range). */
    public static final int REFUSED = -32001;
    public static final String SERVER_NAME = "streamspace-docker-agent";
    private static final Logger LOG = LoggerFactory.getLogger("McpGateway");

    /**
     * What the gateway allows.
     *
     * @param allowedDestructiveTools destructive tools enabled by name; the others are listed but refuse every call
     * @param allowToolsSetting       how operators name the allow-list setting, for refusals
     * @param scopeSetting            how operators name the scope setting, for refusals
     * @param scopeDescription        what is in scope, for the state resource
     * @param sessionAgent            where session changes go: null when no session agent is configured (then
     *                                {@link #SESSION_AGENT_TOOLS} refuse every call)
     * @param sessionAgentSetting     how operators name the setting of the session agent's panel, for refusals
     * @param sessionAgentTokenSetting how operators name the setting of its write token, for refusals
     */
    public record Policy(Set<String> allowedDestructiveTools, String allowToolsSetting, String scopeSetting,
                         String scopeDescription, String sessionAgent, String sessionAgentSetting,
                         String sessionAgentTokenSetting) {
        public Policy {
            allowedDestructiveTools = Set.copyOf(allowedDestructiveTools);
            Objects.requireNonNull(allowToolsSetting);
            Objects.requireNonNull(scopeSetting);
            Objects.requireNonNull(scopeDescription);
            Objects.requireNonNull(sessionAgentSetting);
            Objects.requireNonNull(sessionAgentTokenSetting);
        }
    }

    /**
     * Tools that change a session: the session agent that owns it must make the change (so its control plane hears
     * of it), so they refuse unless the gateway knows where that agent's status panel is.
     */
    public static final Set<String> SESSION_AGENT_TOOLS = Set.of("session_hibernate", "session_wake");

    private final List<GatewayTool> tools;
    private final DescribeHostEngine engine;
    private final ManageAgentSessions sessions;
    private final ManageAgentStacks stacks;
    private final Policy policy;
    private final CommandOutcomeListener outcomes;
    private final String version;
    private final McpJsonMapper json = new GatewayJsonMapper();

    public McpGateway(ManageHostContainers containers, ManageHostImages images, DescribeHostEngine engine,
                      ManageAgentSessions sessions, ManageAgentStacks stacks, Policy policy,
                      CommandOutcomeListener outcomes, String version) {
        this.tools = new GatewayToolbox(containers, images, engine, sessions, stacks).tools();
        this.engine = engine;
        this.sessions = sessions;
        this.stacks = stacks;
        this.policy = policy;
        this.outcomes = outcomes;
        this.version = version;
        Set<String> unknown = new TreeSet<>(policy.allowedDestructiveTools());
        unknown.removeAll(destructiveToolNames());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("not destructive tools of this gateway: " + unknown
                    + " (destructive tools: " + destructiveToolNames() + ")");
        }
    }

    /** Every tool's name, in the order they are listed. */
    public static Set<String> toolNames() {
        Set<String> names = new LinkedHashSet<>();
        new GatewayToolbox(null, null, null, null, null).tools().forEach(t -> names.add(t.name()));
        return names;
    }

    /** The tools that are off unless allow-listed. */
    public static Set<String> destructiveToolNames() {
        Set<String> names = new TreeSet<>();
        new GatewayToolbox(null, null, null, null, null).tools().stream().filter(GatewayTool::destructive)
                .forEach(t -> names.add(t.name()));
        return names;
    }

    /**
     * Tool calls run on this many threads of the gateway's own, started up front: a burst of calls queues instead of
     * growing the process, and the thread count does not depend on the load.
     */
    public static final int TOOL_THREADS = 16;

    /** A gateway serving one transport: the SDK's server and the threads its tools run on. */
    public static final class Served implements AutoCloseable {
        private final McpAsyncServer server;
        private final ExecutorService tools;

        private Served(McpAsyncServer server, ExecutorService tools) {
            this.server = server;
            this.tools = tools;
        }

        @Override
        public void close() {
            try {
                server.closeGracefully().block(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.debug("closing the MCP server: {}", e.toString());
            } finally {
                tools.shutdownNow();
            }
        }
    }

    /** Serves one client on a stream transport (stdio). */
    public Served serve(McpServerTransportProvider transport) {
        ExecutorService tools = toolThreads();
        return new Served(configure(McpServer.async(transport), "stdio", tools).build(), tools);
    }

    /** Serves Streamable HTTP clients through {@code transport} (a servlet the caller mounts). */
    public Served serve(McpStreamableServerTransportProvider transport) {
        ExecutorService tools = toolThreads();
        return new Served(configure(McpServer.async(transport), "http", tools).build(), tools);
    }

    McpJsonMapper json() {
        return json;
    }

    private static ExecutorService toolThreads() {
        AtomicInteger number = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(TOOL_THREADS, TOOL_THREADS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "mcp-tool-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.prestartAllCoreThreads();
        return pool;
    }

    private McpServer.AsyncSpecification<?> configure(McpServer.AsyncSpecification<?> spec, String transport,
                                                     ExecutorService tools) {
        ToolAudit audit = new ToolAudit(outcomes, transport);
        Scheduler scheduler = Schedulers.fromExecutorService(tools, "mcp-tools");
        List<AsyncToolSpecification> specifications = new ArrayList<>();
        for (GatewayTool tool : this.tools) {
            specifications.add(AsyncToolSpecification.builder().tool(describe(tool))
                    .callHandler((exchange, request) -> Mono.fromCallable(() -> call(tool, request.arguments(), audit))
                            .subscribeOn(scheduler))
                    .build());
        }
        spec.serverInfo(SERVER_NAME, version)
                .jsonMapper(json)
                .instructions("Operates this Docker host's containers, StreamSpace desktop sessions and Compose stacks."
                        + " By default only objects labelled as this agent's are visible. Destructive tools (stop,"
                        + " restart, hibernate, stack up/down) refuse until an operator allow-lists them.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).build())
                .validateToolInputs(false) // the gateway checks arguments itself, so bad ones are audited too
                .tools(specifications)
                .resources(stateResource(scheduler));
        return spec;
    }

    private McpSchema.Tool describe(GatewayTool tool) {
        String description = tool.description();
        if (tool.destructive() && !policy.allowedDestructiveTools().contains(tool.name())) {
            description += " Disabled on this server: an operator must add " + tool.name() + " to "
                    + policy.allowToolsSetting() + ".";
        }
        if (SESSION_AGENT_TOOLS.contains(tool.name()) && policy.sessionAgent() == null) {
            description += " Unavailable on this server: no session agent is configured (" + policy.sessionAgentSetting()
                    + ").";
        }
        return McpSchema.Tool.builder()
                .name(tool.name())
                .title(tool.title())
                .description(description)
                .inputSchema(tool.arguments().toJsonSchema())
                .annotations(new McpSchema.ToolAnnotations(tool.title(), tool.readOnly(), tool.destructive(),
                        tool.idempotent(), tool.openWorld(), null))
                .build();
    }

    /** Calls the tool of this name as the SDK would (for tests of the policy without a transport). */
    McpSchema.CallToolResult call(String name, Map<String, Object> arguments, ToolAudit audit) {
        return call(tools.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tool " + name)), arguments, audit);
    }

    McpSchema.CallToolResult call(GatewayTool tool, Map<String, Object> arguments, ToolAudit audit) {
        long started = System.nanoTime();
        try {
            if (tool.destructive() && !policy.allowedDestructiveTools().contains(tool.name())) {
                throw refused("tool " + tool.name() + " is disabled: destructive tools run only when allow-listed;"
                        + " add " + tool.name() + " to " + policy.allowToolsSetting() + " to enable it",
                        policy.allowToolsSetting());
            }
            if (SESSION_AGENT_TOOLS.contains(tool.name()) && policy.sessionAgent() == null) {
                throw refused("tool " + tool.name() + " is unavailable: a session changes only through the session"
                        + " agent that owns it (its status panel's session actions), so that the agent runs the"
                        + " change and reports it to its control plane; set " + policy.sessionAgentSetting()
                        + " to the agent's status panel URL and " + policy.sessionAgentTokenSetting()
                        + " to its write token", policy.sessionAgentSetting());
            }
            ArgumentSchema.Arguments checked = tool.arguments().check(arguments);
            Map<String, Object> result = tool.body().run(checked);
            audit.record(tool.name(), arguments, ToolAudit.Outcome.OK, System.nanoTime() - started, null);
            return McpSchema.CallToolResult.builder().structuredContent(result).addTextContent(text(result))
                    .isError(false).build();
        } catch (RefusedException e) {
            audit.record(tool.name(), arguments, ToolAudit.Outcome.REFUSED, System.nanoTime() - started,
                    "disabled");
            throw e.error;
        } catch (SessionAgentRequiredException e) {
            audit.record(tool.name(), arguments, ToolAudit.Outcome.REFUSED, System.nanoTime() - started,
                    "session agent");
            String setting = e.missing() == SessionAgentRequiredException.Missing.AGENT ? policy.sessionAgentSetting()
                    : policy.sessionAgentTokenSetting();
            throw refused(e.getMessage() + "; set " + setting, setting).error;
        } catch (OutOfScopeException e) {
            audit.record(tool.name(), arguments, ToolAudit.Outcome.REFUSED, System.nanoTime() - started,
                    "out of scope");
            throw refused(e.getMessage() + "; set " + policy.scopeSetting()
                    + " to all to let the gateway act on every object of the engine", policy.scopeSetting()).error;
        } catch (ArgumentSchema.InvalidArgumentsException e) {
            audit.record(tool.name(), arguments, ToolAudit.Outcome.INVALID, System.nanoTime() - started,
                    e.getMessage());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("tool", tool.name());
            data.put("problems", e.problems());
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                    .message("invalid arguments for tool " + tool.name() + ": " + e.getMessage()).data(data).build();
        } catch (ObjectNotFoundException | OperationFailedException e) {
            audit.record(tool.name(), arguments, ToolAudit.Outcome.FAILED, System.nanoTime() - started,
                    e.getClass().getSimpleName());
            return failure(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            audit.record(tool.name(), arguments, ToolAudit.Outcome.FAILED, System.nanoTime() - started, "interrupted");
            return failure("the call was interrupted (the gateway is stopping)");
        } catch (RuntimeException e) {
            audit.record(tool.name(), arguments, ToolAudit.Outcome.FAILED, System.nanoTime() - started,
                    e.getClass().getSimpleName());
            LOG.warn("tool {} failed unexpectedly: {}", tool.name(), e.toString());
            LOG.debug("tool {} failure", tool.name(), e);
            return failure("internal error in tool " + tool.name() + " (" + e.getClass().getSimpleName()
                    + "); the gateway's log has the details");
        }
    }

    private static McpSchema.CallToolResult failure(String message) {
        return McpSchema.CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    private String text(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            return String.valueOf(value);
        }
    }

    /** A policy refusal carrying its MCP error. */
    private static final class RefusedException extends RuntimeException {
        final transient McpError error;

        RefusedException(McpError error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }
    }

    private static RefusedException refused(String message, String setting) {
        return new RefusedException(McpError.builder(REFUSED).message(message)
                .data(Map.of("setting", setting)).build());
    }

    /** {@code docker-agent://state}: what the gateway is and sees, as JSON. */
    private AsyncResourceSpecification stateResource(Scheduler scheduler) {
        String uri = "docker-agent://state";
        McpSchema.Resource resource = McpSchema.Resource.builder().uri(uri).name("agent-state")
                .title("Docker agent state")
                .description("The gateway's policy (scope, enabled destructive tools), the engine's description, and"
                        + " the sessions and stacks in scope.")
                .mimeType("application/json").build();
        return new AsyncResourceSpecification(resource, (exchange, request) -> Mono.fromCallable(() -> {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("server", Map.of("name", SERVER_NAME, "version", version));
            state.put("scope", policy.scopeDescription());
            state.put("enabled_destructive_tools", new TreeSet<>(policy.allowedDestructiveTools()));
            state.put("disabled_destructive_tools", destructiveToolNames().stream()
                    .filter(t -> !policy.allowedDestructiveTools().contains(t)).toList());
            try {
                state.put("engine", Views.engine(engine.info()));
                state.put("session_agent", policy.sessionAgent());
                state.put("sessions", Views.sessions(sessions.list()));
                state.put("stacks", stacks.list());
            } catch (RuntimeException e) {
                state.put("error", e.getMessage());
            }
            return new McpSchema.ReadResourceResult(List.of(
                    new McpSchema.TextResourceContents(uri, "application/json", text(state))));
        }).subscribeOn(scheduler));
    }
}
