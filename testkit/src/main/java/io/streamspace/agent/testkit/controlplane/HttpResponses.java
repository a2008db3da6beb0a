package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.JSON;
import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.MAPPER;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The CP's HTTP answers: JSON error bodies, JSON and plain-text responses. */
final class HttpResponses {

    private HttpResponses() {
    }

    static ObjectNode error(String error, String details) {
        ObjectNode n = JSON.objectNode();
        n.put("error", error);
        if (details != null) {
            n.put("details", details);
        }
        return n;
    }

    static void writeJson(Response response, Callback callback, int status, JsonNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            callback.failed(e);
            return;
        }
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    static void writeText(Response response, Callback callback, int status, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
