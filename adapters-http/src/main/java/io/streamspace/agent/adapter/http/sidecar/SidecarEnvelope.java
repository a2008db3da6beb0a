package io.streamspace.agent.adapter.http.sidecar;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The signed body of every request: the operation, request id and timestamp of the headers (so the signature binds
 * them) and the operation's arguments.
 */
record SidecarEnvelope(@JsonProperty("operation") String operation,
                       @JsonProperty("request_id") String requestId,
                       @JsonProperty("timestamp") long timestamp,
                       @JsonProperty("args") JsonNode args) {
}
