package io.streamspace.agent.adapter.http.sidecar;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.TokenSource;
import io.streamspace.agent.domain.sidecar.SidecarOperation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the sidecar's local API: builds the signed envelope, signs it with the current compose-agent token and maps
 * the answer back. A 401 or 403 makes it ask the {@link TokenSource} to refresh and retry once (the token may have
 * been rotated); a 429 makes it wait for the {@code Retry-After} the sidecar gave (at most a second at a time) and retry, up to
 * {@link #RATE_LIMIT_PATIENCE} in all. Every attempt has a fresh request id and timestamp.
 */
public final class SignedSidecarClient {

    private static final Logger LOG = LoggerFactory.getLogger(SignedSidecarClient.class);
    static final Duration RATE_LIMIT_PATIENCE = Duration.ofMinutes(2);

    /** The sidecar answered with an error status; {@link #status()} and the sidecar's own message. */
    public static final class SidecarRefusedException extends RuntimeOperationException {
        private final int status;
        private final String error;

        SidecarRefusedException(int status, String error, String message) {
            super(message);
            this.status = status;
            this.error = error;
        }

        public int status() {
            return status;
        }

        /** The {@code error} field of the answer, e.g. {@code replay detected}. */
        public String error() {
            return error;
        }
    }

    private final URI base;
    private final String agentId;
    private final TokenSource tokens;
    private final ObjectMapper json;
    private final Clock clock;
    private final HttpClient http;

    public SignedSidecarClient(URI base, String agentId, TokenSource tokens, ObjectMapper json, Clock clock) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.agentId = agentId;
        this.tokens = tokens;
        this.json = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public ObjectMapper json() {
        return json;
    }

    public URI base() {
        return base;
    }

    /**
     * Performs the operation and returns its {@code result} (JSON null for "nothing").
     *
     * @throws RuntimeOperationException with the sidecar's message when the runtime failed or the sidecar refused
     * @throws IllegalArgumentException  when the sidecar refused the arguments (400)
     * @throws InterruptedException      when interrupted while waiting for the answer
     */
    public JsonNode call(SidecarOperation operation, Object args) throws InterruptedException {
        boolean refreshed = false;
        Instant giveUp = clock.instant().plus(RATE_LIMIT_PATIENCE);
        while (true) {
            HttpResponse<byte[]> response = send(operation, args, null);
            int status = response.statusCode();
            if (status == 200) {
                return read(response).path("result");
            }
            JsonNode body = read(response);
            String error = body.path("error").asText("status " + status);
            String detail = body.hasNonNull("message") ? body.get("message").asText() : body.path("detail").asText("");
            if ((status == 401 || status == 403) && !refreshed) {
                refreshed = true;
                LOG.info("The compose-agent sidecar refused {} ({} {}); refreshing the token and retrying once",
                        operation.wireName(), status, error);
                tokens.refresh();
                continue;
            }
            if (status == 429 && clock.instant().isBefore(giveUp)) {
                // the sidecar's Retry-After, but at least every second: the sidecar's clock is not ours, and a
                // rate-limited attempt does not count against the rate
                long millis = Math.clamp(body.path("retry_after_ms").asLong(1000), 50, 1000);
                LOG.debug("The compose-agent sidecar rate-limited {}; retrying in {} ms", operation.wireName(), millis);
                LockSupport.parkNanos(Duration.ofMillis(millis).toNanos());
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while rate-limited by the compose-agent sidecar");
                }
                continue;
            }
            switch (status) {
                case 422 -> throw new SidecarRefusedException(status, error, detail);
                case 400 -> throw new IllegalArgumentException(detail.isEmpty() ? error : detail);
                default -> throw new SidecarRefusedException(status, error, "The compose-agent sidecar at " + base
                        + " refused " + operation.wireName() + ": " + status + " " + error
                        + (detail.isEmpty() ? "" : " (" + detail + ")"));
            }
        }
    }

    /** One signed attempt, with the given timeout (null: none). */
    HttpResponse<byte[]> send(SidecarOperation operation, Object args, Duration timeout) throws InterruptedException {
        String requestId = UUID.randomUUID().toString();
        long timestamp = clock.instant().getEpochSecond();
        byte[] body;
        try {
            body = json.writeValueAsBytes(new SidecarEnvelope(operation.wireName(), requestId, timestamp,
                    json.valueToTree(args)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the arguments of " + operation.wireName(), e);
        }
        String token = tokens.tokenFor(agentId).orElseThrow(() -> new RuntimeOperationException(
                "No compose-agent token for agent '" + agentId + "': cannot sign requests to the sidecar at " + base));
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(RequestSigning.OPERATIONS_PATH.substring(1)
                        + operation.wireName()))
                .header("Content-Type", "application/json")
                .header(RequestSigning.AGENT_ID, agentId)
                .header(RequestSigning.TIMESTAMP, Long.toString(timestamp))
                .header(RequestSigning.REQUEST_ID, requestId)
                .header(RequestSigning.SIGNATURE, RequestSigning.sign(token, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (timeout != null) {
            request.timeout(timeout);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new RuntimeOperationException("The compose-agent sidecar at " + base + " is unreachable ("
                    + operation.wireName() + "): " + e, e);
        }
    }

    private JsonNode read(HttpResponse<byte[]> response) {
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new RuntimeOperationException("The compose-agent sidecar at " + base + " answered "
                    + response.statusCode() + " with a body that is not JSON");
        }
    }
}
