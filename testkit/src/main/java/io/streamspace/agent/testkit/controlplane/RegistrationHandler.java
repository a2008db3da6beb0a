package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.ApiKeys.checkKeyFormat;
import static io.streamspace.agent.testkit.controlplane.ApiKeys.keysEqual;
import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.API_KEY_HEADER;
import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.JSON;
import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.MAPPER;
import static io.streamspace.agent.testkit.controlplane.HttpResponses.error;
import static io.streamspace.agent.testkit.controlplane.HttpResponses.writeJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/agents/register}: the normal-key flow and the bootstrap-key (approval) flow, in the check
 * order documented in {@code package-info.java}. Every answer is recorded.
 */
final class RegistrationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneSimulator.LOGGER_NAME);

    private final SimulatorState state;
    private final Envelopes envelopes;
    private final String bootstrapKey;
    private final RegistrationDecoder registrationDecoder = new RegistrationDecoder(MAPPER);

    RegistrationHandler(SimulatorState state, Envelopes envelopes, String bootstrapKey) {
        this.state = state;
        this.envelopes = envelopes;
        this.bootstrapKey = bootstrapKey;
    }

    void register(Request request, Response response, Callback callback, String ip) throws IOException {
        String reqBody = Content.Source.asString(request, StandardCharsets.UTF_8);
        String key = request.getHeaders().get(API_KEY_HEADER);
        int status;
        ObjectNode body;
        String agentId = null;
        synchronized (state.lock) {
            ObjectNode authError = checkKeyFormat(key);
            if (authError != null) {
                status = 401;
                body = authError;
            } else {
                RegistrationDecoder.Request req = null;
                String invalid = null;
                try {
                    req = registrationDecoder.decode(reqBody);
                } catch (RegistrationDecoder.InvalidRequest e) {
                    invalid = e.getMessage();
                }
                agentId = req == null ? GoJsonSafe.agentId(reqBody) : req.agentId();
                AgentRow row = req == null ? null : state.agents.get(agentId);
                Instant now = Instant.now();
                if (req == null) {
                    status = 400;
                    body = error("Invalid request format", invalid);
                } else if (bootstrapKey != null && keysEqual(bootstrapKey, key)) {
                    if (row == null) {
                        row = new AgentRow(agentId, null, now);
                        state.agents.put(agentId, row);
                    }
                    row.update(req, now);
                    Approval approval = state.approvals.getOrDefault(agentId, Approval.PENDING);
                    row.approvalStatus = approval.wire();
                    if (approval == Approval.APPROVED) {
                        row.status = AgentStatus.ONLINE;
                        row.lastHeartbeat = now;
                        state.registeredSinceStart.add(agentId);
                    }
                    body = JSON.objectNode();
                    body.set("agent", envelopes.agentJson(row));
                    body.put("approvalStatus", approval.wire());
                    switch (approval) {
                        case PENDING -> {
                            status = 202;
                            body.put("message", "Agent registration is pending administrator approval");
                        }
                        case APPROVED -> {
                            status = 200;
                            body.put("message", "Agent approved");
                        }
                        default -> {
                            status = 403;
                            body.put("message", "Agent registration was rejected by an administrator");
                        }
                    }
                } else if (row == null) {
                    status = 404;
                    body = error("Agent not found", "No agent with ID " + agentId
                            + " exists; create it in the control plane or register with the bootstrap key");
                } else if (row.apiKey == null || !keysEqual(row.apiKey, key)) {
                    status = 403;
                    body = JSON.objectNode().put("error", "Invalid API key");
                } else {
                    row.update(req, now);
                    row.status = AgentStatus.ONLINE;
                    row.lastHeartbeat = now;
                    row.approvalStatus = "";
                    state.registeredSinceStart.add(agentId);
                    status = 200;
                    body = envelopes.agentJson(row);
                }
            }
            recordRegistration(status, agentId, reqBody, body, request, ip);
        }
        LOG.info("register {} -> {}", agentId == null ? "(no agent id)" : agentId, status);
        writeJson(response, callback, status, body);
    }

    void recordRegistration(int status, String agentId, String reqBody, JsonNode respBody, Request request,
                            String ip) {
        state.recordRegistration(status, agentId, reqBody, respBody,
                request.getHeaders().get(API_KEY_HEADER) != null, ip);
    }

    /** Tolerant extraction of agentId from an invalid body, for the recording only. */
    private static final class GoJsonSafe {
        static String agentId(String body) {
            try {
                JsonNode n = MAPPER.readTree(body);
                JsonNode v = GoJson.get(n, "agentId");
                return v != null && v.isTextual() ? v.asText() : null;
            } catch (Exception e) {
                return null;
            }
        }
    }
}
