package io.streamspace.agent.application.service.gateway;

import io.streamspace.agent.application.service.session.SessionLabels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which objects the MCP gateway may see and touch. By default only those carrying an owner label pair of one of its
 * agents ({@code streamspace.managed=true} and {@code streamspace.agent.id=<id>}): session containers, and the stacks
 * the gateway brought up (it labels them so). {@code everything} widens it to every object of the engine.
 *
 * @param agentIds   the agents whose objects are in scope; the first one owns the stacks the gateway brings up
 * @param everything every object is in scope, labelled or not
 */
public record GatewayScope(List<String> agentIds, boolean everything) {

    public GatewayScope {
        agentIds = List.copyOf(agentIds);
        if (agentIds.isEmpty()) {
            throw new IllegalArgumentException("the gateway needs at least one agent id");
        }
        agentIds.forEach(Objects::requireNonNull);
    }

    /** Whether an object with these labels is in scope. */
    public boolean covers(Map<String, String> labels) {
        return everything || ownedByOneOfUs(labels);
    }

    /** Whether the labels name one of this gateway's agents as owner (whatever the scope). */
    public boolean ownedByOneOfUs(Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        return "true".equals(l.get(SessionLabels.MANAGED)) && agentIds.contains(l.get(SessionLabels.AGENT_ID));
    }

    /** The owner labels of one agent: what listings filter on. */
    public static Map<String, String> ownerLabels(String agentId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(SessionLabels.MANAGED, "true");
        labels.put(SessionLabels.AGENT_ID, agentId);
        return Map.copyOf(labels);
    }

    /** The labels the gateway puts on what it creates. */
    public Map<String, String> ownerLabels() {
        return ownerLabels(agentIds.get(0));
    }

    /** Why an object is outside the scope, for a refusal. */
    public String outOfScope(String what) {
        return what + " is outside this gateway's scope: it does not carry the labels " + SessionLabels.MANAGED
                + "=true and " + SessionLabels.AGENT_ID + "=" + (agentIds.size() == 1 ? agentIds.get(0)
                : "one of " + agentIds);
    }
}
