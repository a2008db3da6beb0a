package io.streamspace.agent.adapter.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.streamspace.agent.application.port.out.InMemoryHostContainers;
import io.streamspace.agent.application.port.out.InMemorySessionAgentPanel;
import io.streamspace.agent.application.port.out.InMemorySessionRuntime;
import io.streamspace.agent.application.port.out.SessionAgentPanel;
import io.streamspace.agent.application.port.out.SessionAgentPanelContract;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.service.gateway.AgentSessionService;
import io.streamspace.agent.application.service.gateway.AgentStackService;
import io.streamspace.agent.application.service.gateway.GatewayScope;
import io.streamspace.agent.application.service.gateway.HostContainerService;
import io.streamspace.agent.application.service.gateway.HostImageService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The policy in front of every tool, on the in-memory engine (the real transports: bootstrap's Mcp*GatewayIT). */
class McpGatewayPolicyTest {

    private static final String IMAGE = "streamspace-test/busybox:latest";
    private final InMemoryHostContainers host = new InMemoryHostContainers(new InMemorySessionRuntime()
            .withImage(IMAGE));
    private final List<String> counted = new ArrayList<>();

    private McpGateway gateway(Set<String> allowed) {
        return gateway(allowed, null);
    }

    private McpGateway gateway(Set<String> allowed, SessionAgentPanel panel) {
        GatewayScope scope = new GatewayScope(List.of("agent-1"), false);
        HostImageService images = new HostImageService(host, host, host.runtime());
        return new McpGateway(new HostContainerService(host, scope), images, images,
                new AgentSessionService(host, scope, panel),
                new AgentStackService(null, host, scope),
                new McpGateway.Policy(allowed, "--mcp-allow-tools (MCP_ALLOW_TOOLS)", "--mcp-scope (MCP_SCOPE)",
                        "test", panel == null ? null : panel.location(), "--agent-panel-url (X_URL)",
                        "--agent-panel-token-file (X_TOKEN_FILE)"),
                (action, outcome) -> counted.add(action + ":" + outcome), "test");
    }

    private McpSchema.CallToolResult call(McpGateway gateway, String name, Map<String, Object> args) {
        return gateway.call(name, args, new ToolAudit((a, o) -> counted.add(a + ":" + o), "test"));
    }

    @Test
    void atLeastFifteenToolsAndTheDestructiveOnesAreKnown() {
        assertThat(McpGateway.toolNames()).hasSizeGreaterThanOrEqualTo(15);
        assertThat(McpGateway.destructiveToolNames()).containsExactly("container_restart", "container_stop",
                "session_hibernate", "stack_down", "stack_up");
        assertThatThrownBy(() -> gateway(Set.of("engine_info"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not destructive tools");
    }

    @Test
    void aDisabledToolIsRefusedWithTheSettingAndCounted() {
        create("worker", GatewayScope.ownerLabels("agent-1"));
        McpGateway gateway = gateway(Set.of());

        assertThatThrownBy(() -> call(gateway, "container_stop", Map.of("container", "worker")))
                .isInstanceOfSatisfying(McpError.class, e -> {
                    assertThat(e.getJsonRpcError().code()).isEqualTo(McpGateway.REFUSED);
                    assertThat(e.getMessage()).contains("MCP_ALLOW_TOOLS");
                });
        assertThat(host.inspect("worker").orElseThrow().state()).isEqualTo("running");
        assertThat(counted).containsExactly("mcp_container_stop:FAILURE");

        McpSchema.CallToolResult stopped = call(gateway(Set.of("container_stop")), "container_stop",
                Map.of("container", "worker", "timeout_seconds", 0));
        assertThat(stopped.isError()).isFalse();
        assertThat(host.inspect("worker").orElseThrow().state()).isEqualTo("exited");
    }

    @Test
    void outOfScopeIsARefusalNamingTheScopeSettingAndUnknownIsAToolError() {
        create("stranger", Map.of("owner", "somebody"));
        McpGateway gateway = gateway(Set.of());

        assertThatThrownBy(() -> call(gateway, "container_inspect", Map.of("container", "stranger")))
                .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.getMessage())
                        .contains("outside this gateway's scope", "MCP_SCOPE"));
        McpSchema.CallToolResult missing = call(gateway, "container_inspect", Map.of("container", "ghost"));
        assertThat(missing.isError()).isTrue();
        assertThat(((McpSchema.TextContent) missing.content().get(0)).text()).contains("no container named");
        assertThatThrownBy(() -> call(gateway, "container_inspect", Map.of("container", 5)))
                .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.getJsonRpcError().code())
                        .isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS));
    }

    @Test
    void sessionChangesWithoutASessionAgentOrItsWriteTokenAreRefusalsNamingTheSetting() {
        Map<String, String> labels = new java.util.HashMap<>(GatewayScope.ownerLabels("agent-1"));
        labels.put("streamspace.session.id", "s1");
        create("streamspace-s1", labels);
        McpGateway none = gateway(Set.of("session_hibernate"));

        for (String tool : List.of("session_hibernate", "session_wake")) {
            assertThatThrownBy(() -> call(none, tool, Map.of("session_id", "s1")))
                    .isInstanceOfSatisfying(McpError.class, e -> {
                        assertThat(e.getJsonRpcError().code()).isEqualTo(McpGateway.REFUSED);
                        assertThat(e.getMessage()).contains(tool + " is unavailable", "X_URL", "X_TOKEN_FILE");
                        assertThat(e.getJsonRpcError().data()).isEqualTo(Map.of("setting", "--agent-panel-url (X_URL)"));
                    });
        }
        assertThat(host.inspect("streamspace-s1").orElseThrow().state()).isEqualTo("running");
        McpSchema.CallToolResult listed = call(none, "session_list", Map.of());
        assertThat(listed.isError()).as("read tools keep working").isFalse();
        assertThat(listed.structuredContent().toString()).contains("s1", "source=engine");

        SessionAgentPanelContract.AgentModel agent = new SessionAgentPanelContract.AgentModel();
        SessionAgentPanel wrongToken = new InMemorySessionAgentPanel(agent, "wrong", SessionAgentPanelContract.READ,
                SessionAgentPanelContract.WRITE);
        assertThatThrownBy(() -> call(gateway(Set.of("session_hibernate"), wrongToken), "session_wake",
                Map.of("session_id", "s1"))).isInstanceOfSatisfying(McpError.class, e -> {
                    assertThat(e.getJsonRpcError().code()).isEqualTo(McpGateway.REFUSED);
                    assertThat(e.getMessage()).contains("refused the token", "X_TOKEN_FILE");
                    assertThat(e.getJsonRpcError().data()).isEqualTo(Map.of("setting",
                            "--agent-panel-token-file (X_TOKEN_FILE)"));
                });
    }

    private void create(String name, Map<String, String> labels) {
        host.runtime().createAndStart(new ContainerSpec(name, IMAGE, labels, Map.of(), 0, 0, "", List.of(), List.of(),
                "127.0.0.1", "no", false, 0));
    }
}
