package io.streamspace.agent.testkit.controlplane;

import java.time.Instant;

/**
 * One {@code POST /api/v1/agents/register} call, whatever its outcome.
 *
 * @param statusCode    the status the simulator answered with
 * @param agentId       {@code agentId} from the body when it could be read, else {@code null}
 * @param requestBody   the raw request body
 * @param responseBody  the raw response body
 * @param apiKeyPresent whether an {@code X-Agent-API-Key} header was sent
 * @param clientAddress the client IP
 * @param time          when it arrived
 */
public record RecordedRegistration(
        int statusCode,
        String agentId,
        String requestBody,
        String responseBody,
        boolean apiKeyPresent,
        String clientAddress,
        Instant time) {
}
