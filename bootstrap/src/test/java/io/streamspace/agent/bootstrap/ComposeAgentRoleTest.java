package io.streamspace.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import io.streamspace.agent.domain.sidecar.Scope;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ComposeAgentRoleTest {

    @Test
    void defaultsAndScopesFromTheEnvironment() {
        ComposeAgentRole.Settings settings = ComposeAgentRole.resolve(Map.of(), Map.of(
                "COMPOSE_AGENT_ALLOWED_AGENTS", "docker-1, reader=sessions:read|sessions:write",
                "COMPOSE_AGENT_TOKEN", "s3cret"));

        assertThat(settings.listen().getPort()).isEqualTo(5002);
        assertThat(settings.listen().getAddress().isLoopbackAddress()).isTrue();
        assertThat(settings.allowedAgents()).containsEntry("docker-1", Scope.all())
                .containsEntry("reader", Set.of(Scope.SESSIONS_READ, Scope.SESSIONS_WRITE));
        assertThat(settings.requestsPerMinute()).isEqualTo(120);
        assertThat(settings.controlPlane()).isEqualTo(ControlPlaneTag.COMPOSE_AGENT);
        assertThat(settings.toString()).doesNotContain("s3cret");
    }

    @Test
    void flagsWinAndEveryProblemIsReportedAtOnce() {
        assertThat(ComposeAgentRole.resolve(Map.of(Setting.LISTEN, "127.0.0.1:0", Setting.ALLOWED_AGENTS, "a",
                Setting.COMPOSE_AGENT_TOKEN_FILE, "/run/secrets/t", Setting.REQUESTS_PER_MINUTE, "600"),
                Map.of("COMPOSE_AGENT_LISTEN", "127.0.0.1:9")).listen().getPort()).isZero();

        assertThatThrownBy(() -> ComposeAgentRole.resolve(Map.of(Setting.LISTEN, "nowhere",
                Setting.ALLOWED_AGENTS, "a=stacks:delete", Setting.REQUESTS_PER_MINUTE, "0"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--listen (COMPOSE_AGENT_LISTEN) must be ADDRESS:PORT")
                .hasMessageContaining("unknown scope 'stacks:delete'")
                .hasMessageContaining("--requests-per-minute (COMPOSE_AGENT_REQUESTS_PER_MINUTE) must be")
                .hasMessageContaining("no compose-agent token");
    }

    @Test
    void theMcpGatewayIsOffByDefaultAndItsSettingsAreChecked() {
        Map<String, String> base = Map.of("COMPOSE_AGENT_ALLOWED_AGENTS", "docker-1", "COMPOSE_AGENT_TOKEN", "t");
        assertThat(ComposeAgentRole.resolve(Map.of(), base).mcp()).isNull();

        ComposeAgentRole.Settings on = ComposeAgentRole.resolve(Map.of(Setting.MCP_LISTEN, "127.0.0.1:5003",
                Setting.MCP_TOKEN, "mcp-s3cret", Setting.MCP_ALLOW_TOOLS, "container_stop, stack_up",
                Setting.MCP_ALLOWED_ORIGINS, "https://assistant.example"), base);
        assertThat(on.mcp().listen().getPort()).isEqualTo(5003);
        assertThat(on.mcp().policy().allowTools()).containsExactly("container_stop", "stack_up");
        assertThat(on.mcp().policy().allObjects()).isFalse();
        assertThat(on.mcp().allowedOrigins()).containsExactly("https://assistant.example");
        assertThat(on.toString()).doesNotContain("mcp-s3cret");

        assertThatThrownBy(() -> ComposeAgentRole.resolve(Map.of(Setting.MCP_LISTEN, "0.0.0.0:5003",
                Setting.MCP_ALLOW_TOOLS, "rm_rf,engine_info", Setting.MCP_SCOPE, "everything",
                Setting.MCP_ALLOWED_ORIGINS, "evil.example/path"), base))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--mcp-listen (MCP_LISTEN) must be a loopback or private address")
                .hasMessageContaining("the MCP gateway needs a bearer token")
                .hasMessageContaining("unknown tool 'rm_rf'")
                .hasMessageContaining("engine_info is not destructive")
                .hasMessageContaining("--mcp-scope (MCP_SCOPE) must be managed or all")
                .hasMessageContaining("'evil.example/path' is not an origin");
    }

    @Test
    void theSessionAgentsPanelAndItsTokenAreCheckedAndAPrivateListenAddressIsAccepted() {
        Map<String, String> base = Map.of("COMPOSE_AGENT_ALLOWED_AGENTS", "docker-1", "COMPOSE_AGENT_TOKEN", "t");
        ComposeAgentRole.Settings on = ComposeAgentRole.resolve(Map.of(Setting.MCP_LISTEN, "172.20.0.5:5003",
                Setting.MCP_TOKEN, "m", Setting.MCP_SESSION_AGENT_URL, "http://agent:5001"),
                Map.of("COMPOSE_AGENT_ALLOWED_AGENTS", "docker-1", "COMPOSE_AGENT_TOKEN", "t",
                        "MCP_SESSION_AGENT_TOKEN", "status-write-s3cret"));
        assertThat(on.mcp().listen().getAddress().getHostAddress()).isEqualTo("172.20.0.5");
        assertThat(on.mcp().policy().sessionAgent().url().toString()).isEqualTo("http://agent:5001");
        assertThat(on.mcp().policy().sessionAgent().token()).isEqualTo("status-write-s3cret");
        assertThat(on.toString()).doesNotContain("status-write-s3cret");
        assertThat(ComposeAgentRole.resolve(Map.of(Setting.MCP_LISTEN, "127.0.0.1:5003", Setting.MCP_TOKEN, "m"),
                base).mcp().policy().sessionAgent()).as("not configured").isNull();

        assertThatThrownBy(() -> ComposeAgentRole.resolve(Map.of(Setting.MCP_LISTEN, "8.8.8.8:5003",
                Setting.MCP_TOKEN, "m", Setting.MCP_SESSION_AGENT_URL, "ftp://agent",
                Setting.MCP_SESSION_AGENT_TOKEN, "a", Setting.MCP_SESSION_AGENT_TOKEN_FILE, "/f",
                Setting.MCP_SESSION_AGENT_TOKEN_VAULT_KEY, "k"), base))
                .hasMessageContaining("--mcp-listen (MCP_LISTEN) must be a loopback or private address")
                .hasMessageContaining("--mcp-session-agent-url (MCP_SESSION_AGENT_URL) must be an http:// or https://")
                .hasMessageContaining("set only one of --mcp-session-agent-token, --mcp-session-agent-token-file")
                .hasMessageContaining("--mcp-session-agent-token-vault-key (MCP_SESSION_AGENT_TOKEN_VAULT_KEY) needs"
                        + " Vault");
        assertThatThrownBy(() -> ComposeAgentRole.resolve(Map.of(Setting.MCP_LISTEN, "127.0.0.1:5003",
                Setting.MCP_TOKEN, "m", Setting.MCP_SESSION_AGENT_TOKEN_FILE, "/f"), base))
                .hasMessageContaining("a session agent token is set but --mcp-session-agent-url");
    }

    @Test
    void theStatusPanelOnANonLoopbackAddressNeedsAToken() {
        assertThatThrownBy(() -> ComposeAgentRole.resolve(Map.of(Setting.ALLOWED_AGENTS, "a",
                Setting.COMPOSE_AGENT_TOKEN, "t", Setting.STATUS_PORT, "5003", Setting.STATUS_ADDRESS, "0.0.0.0"),
                Map.of())).hasMessageStartingWith("refusing to serve the status API on 0.0.0.0 without a token");
        ComposeAgentRole.Settings settings = ComposeAgentRole.resolve(Map.of(Setting.ALLOWED_AGENTS, "a",
                Setting.COMPOSE_AGENT_TOKEN, "t", Setting.STATUS_PORT, "5003"), Map.of("STATUS_ADDRESS", "0.0.0.0",
                "STATUS_TOKEN", "panel-secret"));
        assertThat(settings.status().address()).isEqualTo("0.0.0.0");
        assertThat(settings.toString()).doesNotContain("panel-secret");
    }
}
