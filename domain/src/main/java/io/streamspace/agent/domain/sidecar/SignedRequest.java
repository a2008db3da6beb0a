package io.streamspace.agent.domain.sidecar;

/**
 * The signature headers of one request to the sidecar, as received (any of them may be null or malformed).
 *
 * @param agentId   {@code X-Agent-Id}
 * @param timestamp {@code X-Timestamp}, unix seconds as text
 * @param requestId {@code X-Request-Id}, a UUID
 * @param signature {@code X-Agent-Signature}, the decoded bytes (null when absent or not Base64)
 */
public record SignedRequest(String agentId, String timestamp, String requestId, byte[] signature) {
}
