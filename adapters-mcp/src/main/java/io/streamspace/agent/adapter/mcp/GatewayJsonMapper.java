package io.streamspace.agent.adapter.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SDK's Jackson 2 mapper, except for exceptions: the SDK's HTTP transport writes an {@link McpError} it answers
 * with (a malformed body, a missing session) through the mapper, which would serialize the whole exception, stack
 * trace included. Here an exception becomes the JSON-RPC error response it stands for, and nothing more.
 */
final class GatewayJsonMapper implements McpJsonMapper {

    private final McpJsonMapper delegate = new JacksonMcpJsonMapper(new ObjectMapper());

    @Override
    public <T> T readValue(String content, Class<T> type) throws IOException {
        return delegate.readValue(content, type);
    }

    @Override
    public <T> T readValue(byte[] content, Class<T> type) throws IOException {
        return delegate.readValue(content, type);
    }

    @Override
    public <T> T readValue(String content, TypeRef<T> type) throws IOException {
        return delegate.readValue(content, type);
    }

    @Override
    public <T> T readValue(byte[] content, TypeRef<T> type) throws IOException {
        return delegate.readValue(content, type);
    }

    @Override
    public <T> T convertValue(Object value, Class<T> type) {
        return delegate.convertValue(value, type);
    }

    @Override
    public <T> T convertValue(Object value, TypeRef<T> type) {
        return delegate.convertValue(value, type);
    }

    @Override
    public String writeValueAsString(Object value) throws IOException {
        return delegate.writeValueAsString(value instanceof Throwable t ? errorResponse(t) : value);
    }

    @Override
    public byte[] writeValueAsBytes(Object value) throws IOException {
        return value instanceof Throwable ? writeValueAsString(value).getBytes(StandardCharsets.UTF_8)
                : delegate.writeValueAsBytes(value);
    }

    /** {@code {"jsonrpc":"2.0","id":null,"error":{"code":...,"message":...}}}. */
    static Map<String, Object> errorResponse(Throwable failure) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (failure instanceof McpError mcp && mcp.getJsonRpcError() != null) {
            error.put("code", mcp.getJsonRpcError().code());
            error.put("message", mcp.getJsonRpcError().message());
        } else {
            error.put("code", McpSchema.ErrorCodes.INTERNAL_ERROR);
            error.put("message", "internal error (" + failure.getClass().getSimpleName() + ")");
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("jsonrpc", "2.0");
        response.put("id", null);
        response.put("error", error);
        return response;
    }
}
