package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.JSON;
import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.MAPPER;
import static io.streamspace.agent.testkit.controlplane.HttpResponses.error;
import static io.streamspace.agent.testkit.controlplane.HttpResponses.writeJson;
import static io.streamspace.agent.testkit.controlplane.HttpResponses.writeText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The tiny JSON dev console under {@code /dev/}: send a command, list agents, list an agent's messages, show a
 * command.
 */
final class DevConsoleHandler {

    private final ControlPlaneSimulator sim;
    private final SimulatorState state;
    private final Envelopes envelopes;

    DevConsoleHandler(ControlPlaneSimulator sim, SimulatorState state, Envelopes envelopes) {
        this.sim = sim;
        this.state = state;
        this.envelopes = envelopes;
    }

    boolean handle(String path, String method, Request request, Response response, Callback callback)
            throws IOException {
        if (path.equals("/dev/commands") && "POST".equals(method)) {
            JsonNode body;
            try {
                body = MAPPER.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
            } catch (Exception e) {
                writeJson(response, callback, 400, error("Invalid JSON", e.getMessage()));
                return true;
            }
            String agentId = body == null ? "" : body.path("agentId").asText("");
            String action = body == null ? "" : body.path("action").asText("");
            if (agentId.isEmpty() || action.isEmpty()) {
                writeJson(response, callback, 400, error("agentId and action are required", null));
                return true;
            }
            if (!sim.isConnected(agentId)) {
                writeJson(response, callback, 404, error("Agent not connected", agentId));
                return true;
            }
            JsonNode payload = body.path("payload");
            @SuppressWarnings("unchecked")
            Map<String, Object> map = payload.isObject() ? MAPPER.convertValue(payload, Map.class) : Map.of();
            String id = sim.sendCommand(agentId, action, map);
            writeJson(response, callback, 200, JSON.objectNode().put("commandId", id));
            return true;
        }
        if (path.equals("/dev/agents") && "GET".equals(method)) {
            ArrayNode arr = JSON.arrayNode();
            synchronized (state.lock) {
                for (AgentRow row : state.agents.values()) {
                    ObjectNode n = envelopes.agentJson(row);
                    n.put("status", row.status.name().toLowerCase(Locale.ROOT));
                    n.put("connected", state.connections.containsKey(row.agentId));
                    n.put("connectionCount", state.connectionCounts.getOrDefault(row.agentId, 0));
                    arr.add(n);
                }
            }
            writeJson(response, callback, 200, arr);
            return true;
        }
        if (path.equals("/dev/messages") && "GET".equals(method)) {
            String agentId = Request.extractQueryParameters(request).getValue("agentId");
            ArrayNode arr = JSON.arrayNode();
            for (ReceivedMessage m : sim.received(agentId == null ? "" : agentId)) {
                ObjectNode n = arr.addObject();
                n.put("raw", m.raw());
                n.put("type", m.type());
                n.set("payload", m.payload());
                n.put("accepted", m.accepted());
                n.put("dropReason", m.dropReason());
                n.put("receivedAt", m.receivedAt().toString());
                n.put("connectionNumber", m.connectionNumber());
                if (m.agentEpoch() != null) {
                    n.put("agentEpoch", m.agentEpoch());
                }
            }
            writeJson(response, callback, 200, arr);
            return true;
        }
        if (path.startsWith("/dev/commands/") && "GET".equals(method)) {
            CommandState c = sim.commandState(path.substring("/dev/commands/".length()));
            if (c == null) {
                writeJson(response, callback, 404, error("Command not found", null));
                return true;
            }
            ObjectNode n = JSON.objectNode();
            n.put("commandId", c.commandId());
            n.put("agentId", c.agentId());
            n.put("action", c.action());
            n.put("status", c.status().name().toLowerCase(Locale.ROOT));
            n.put("error", c.error());
            writeJson(response, callback, 200, n);
            return true;
        }
        writeText(response, callback, 404, "404 page not found");
        return true;
    }
}
