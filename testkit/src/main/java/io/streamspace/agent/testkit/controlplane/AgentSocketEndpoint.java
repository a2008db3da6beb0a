package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.ApiKeys.checkKeyFormat;
import static io.streamspace.agent.testkit.controlplane.ApiKeys.keysEqual;
import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.API_KEY_HEADER;
import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.JSON;
import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.MAPPER;
import static io.streamspace.agent.testkit.controlplane.HttpResponses.error;
import static io.streamspace.agent.testkit.controlplane.HttpResponses.writeJson;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.AgentConnection;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent WebSocket: the {@code GET /api/v1/agents/connect} handshake checks and upgrade, then the events of
 * each accepted socket ({@link AgentConnection}): open (replacing an older socket), text frames (decoded,
 * recorded and applied line by line), close.
 */
final class AgentSocketEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneSimulator.LOGGER_NAME);
    private static final Pattern SQL_LIKE = Pattern.compile(
            "(?i)\\b(union\\s+(all\\s+)?select|select\\s+.+\\s+from|insert\\s+into|drop\\s+table|delete\\s+from"
                    + "|update\\s+\\w+\\s+set|or\\s+1\\s*=\\s*1)\\b");

    private final SimulatorState state;
    private final LivenessMonitor liveness;
    private final String bootstrapKey;
    private final AgentMessageDecoder messageDecoder = new AgentMessageDecoder(MAPPER);

    /** The running server's WebSocket container; written by the simulator's start/stop under its monitor. */
    private ServerWebSocketContainer wsContainer;

    AgentSocketEndpoint(SimulatorState state, LivenessMonitor liveness, String bootstrapKey) {
        this.state = state;
        this.liveness = liveness;
        this.bootstrapKey = bootstrapKey;
    }

    void attach(ServerWebSocketContainer container) {
        this.wsContainer = container;
    }

    void detach() {
        this.wsContainer = null;
    }

    // ------------------------------------------------------------------------------------------ handshake

    void connect(Request request, Response response, Callback callback) {
        String key = request.getHeaders().get(API_KEY_HEADER);
        String agentId = Request.extractQueryParameters(request).getValue("agent_id");
        int status = 0;
        ObjectNode body = null;
        synchronized (state.lock) {
            ObjectNode authError = checkKeyFormat(key);
            String inputProblem = agentId == null ? null : checkQueryValue(agentId);
            AgentRow row = agentId == null ? null : state.agents.get(agentId);
            if (authError != null) {
                status = 401;
                body = authError;
            } else if (agentId == null || agentId.isEmpty()) {
                status = 400;
                body = error("Missing agent_id", "agent_id query parameter is required");
            } else if (inputProblem != null) {
                status = 400;
                body = error("Invalid input", inputProblem);
            } else if (row == null) {
                status = 404;
                body = error("Agent not found", "No agent with ID " + agentId);
            } else if (bootstrapKey != null && keysEqual(bootstrapKey, key)) {
                Approval approval = state.approvals.getOrDefault(agentId, Approval.PENDING);
                if (approval != Approval.APPROVED) {
                    status = 403;
                    body = error("Agent not approved", "approval status is " + approval.wire());
                    body.put("approvalStatus", approval.wire());
                }
            } else if (row.apiKey == null || !keysEqual(row.apiKey, key)) {
                status = 403;
                body = JSON.objectNode().put("error", "Invalid API key");
            }
            if (body == null && !state.registeredSinceStart.contains(agentId)) {
                status = 404;
                body = error("Agent not found", "Agent " + agentId + " must register before connecting");
            }
        }
        if (body != null) {
            LOG.info("connect {} -> {} {}", agentId, status, body.path("error").asText());
            writeJson(response, callback, status, body);
            return;
        }
        boolean upgraded = wsContainer.upgrade((req, resp, cb) -> new AgentConnection(this, agentId),
                request, response, callback);
        if (!upgraded) {
            writeJson(response, callback, 400, error("Bad Request", "WebSocket upgrade required"));
        }
    }

    /** The CP's input filter for query values; {@code null} when acceptable. */
    static String checkQueryValue(String v) {
        for (String bad : List.of("--", "#", ";", "&", "|", "`", "$(")) {
            if (v.contains(bad)) {
                return "value contains forbidden sequence '" + bad + "'";
            }
        }
        long specials = v.chars().filter(ch -> "*()\\/".indexOf(ch) >= 0).count();
        if (specials >= 2) {
            return "value contains suspicious characters";
        }
        if (SQL_LIKE.matcher(v).find()) {
            return "value looks like SQL";
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------ socket events

    void onOpen(AgentConnection conn) {
        AgentConnection old = state.opened(conn);
        LOG.info("agent {} connected (socket #{}{})", conn.agentId, conn.number,
                old == null ? "" : ", closing old socket #" + old.number);
        if (old != null) {
            old.drop();
        }
        liveness.schedulePings(conn);
    }

    void onText(AgentConnection conn, String frame) {
        Instant now = Instant.now();
        for (String line : frame.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            AgentMessageDecoder.Decoded d = messageDecoder.decode(line);
            state.receivedLine(conn, line, d, now);
            if (d.accepted()) {
                LOG.debug("<- {} {}", conn.agentId, d.type());
            } else {
                LOG.info("<- {} DROPPED ({}): {}", conn.agentId, d.dropReason(), SimulatorState.abbreviate(line));
            }
        }
    }

    void onClosed(AgentConnection conn, String why) {
        state.closed(conn);
        if (conn.pinger != null) {
            conn.pinger.cancel(false);
        }
        LOG.info("agent {} socket #{} closed ({})", conn.agentId, conn.number, why);
    }
}
