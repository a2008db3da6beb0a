package io.streamspace.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Jackson for the few JSON trees the bench builds itself. */
final class ControlPlaneJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ControlPlaneJson() {
    }

    static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }
}
