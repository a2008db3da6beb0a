package io.streamspace.agent.adapter.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpGuardTest {

    @Test
    void theHostPartDropsThePortAndKeepsIpv6Brackets() {
        assertThat(HttpGuard.hostPart("127.0.0.1:5003")).isEqualTo("127.0.0.1");
        assertThat(HttpGuard.hostPart("LOCALHOST")).isEqualTo("localhost");
        assertThat(HttpGuard.hostPart("[::1]:80")).isEqualTo("[::1]");
        assertThat(HttpGuard.hostPart("evil.example:5003")).isEqualTo("evil.example");
    }

    @Test
    void tokensAreComparedWhole() {
        assertThat(HttpGuard.sameSecret("abc", "abc")).isTrue();
        assertThat(HttpGuard.sameSecret("abc", "abcd")).isFalse();
        assertThat(HttpGuard.sameSecret("", "abc")).isFalse();
    }

    @Test
    void exceptionsAreWrittenAsTheirJsonRpcErrorOnly() throws Exception {
        GatewayJsonMapper mapper = new GatewayJsonMapper();
        String text = mapper.writeValueAsString(io.modelcontextprotocol.spec.McpError.builder(-32600)
                .message("Invalid message format").build());
        assertThat(text).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
                + "\"message\":\"Invalid message format\"}}");
        assertThat(new String(mapper.writeValueAsBytes(new IllegalStateException("x")),
                java.nio.charset.StandardCharsets.UTF_8)).contains("internal error (IllegalStateException)")
                .doesNotContain("stackTrace");
        assertThat(mapper.writeValueAsString(java.util.Map.of("a", 1))).isEqualTo("{\"a\":1}");
    }
}
