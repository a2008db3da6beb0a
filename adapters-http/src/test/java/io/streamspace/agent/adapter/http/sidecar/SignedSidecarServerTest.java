package io.streamspace.agent.adapter.http.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.application.port.out.InMemorySessionRuntime;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.TokenSource;
import io.streamspace.agent.domain.sidecar.RequestVerifier;
import io.streamspace.agent.domain.sidecar.Scope;
import io.streamspace.agent.domain.sidecar.SidecarOperation;
import io.streamspace.agent.domain.sidecar.VerifierLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every rejection of the local API over real HTTP, with its status and body, and token rotation on both sides. */
class SignedSidecarServerTest {

    private static final String AGENT = "agent-1";
    private static final String READER = "reader-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The one source of truth both sides read, like a mounted secret file or Vault. */
    private final AtomicReference<String> currentToken = new AtomicReference<>("token-one");
    private final TokenSource shared = id -> Optional.ofNullable(currentToken.get());
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
    private InMemorySessionRuntime engine;
    private SignedSidecarServer server;

    @BeforeEach
    void start() throws Exception {
        engine = new InMemorySessionRuntime();
        server = SignedSidecarServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), engine,
                new RequestVerifier(Map.of(AGENT, Scope.all(), READER, Set.of(Scope.SESSIONS_READ)),
                        VerifierLimits.DEFAULTS.withRequestsPerMinute(5)), shared, JSON, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aCorrectlySignedRequestIsServed() throws Exception {
        HttpResponse<String> response = send(signed(AGENT, "info", clock.instant().getEpochSecond(), "token-one"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("result").path("engineVersion").asText()).isNotBlank();
    }

    @Test
    void anUnknownAgentIs401() throws Exception {
        assertRejected(send(signed("stranger", "info", now(), "token-one")), 401, "unknown agent id");
    }

    @Test
    void aBadSignatureIs401() throws Exception {
        assertRejected(send(signed(AGENT, "info", now(), "token-two")), 401, "bad signature");
        Request tampered = signed(AGENT, "info", now(), "token-one");
        assertRejected(send(tampered.withSignature("AAAA" + tampered.signature().substring(4))), 401, "bad signature");
        assertRejected(send(tampered.withSignature("not base64!")), 401, "missing or malformed signature headers");
    }

    @Test
    void aTimestampMoreThan300SecondsOffIs401() throws Exception {
        assertRejected(send(signed(AGENT, "info", now() - 301, "token-one")), 401, "clock skew too large");
        assertRejected(send(signed(AGENT, "info", now() + 301, "token-one")), 401, "clock skew too large");
        assertThat(send(signed(AGENT, "info", now() - 300, "token-one")).statusCode()).isEqualTo(200);
    }

    @Test
    void aRepeatedRequestIdIs409ReplayDetected() throws Exception {
        Request request = signed(AGENT, "info", now(), "token-one");
        assertThat(send(request).statusCode()).isEqualTo(200);

        clock.advanceSeconds(299);
        assertRejected(send(request), 409, "replay detected");
        clock.advanceSeconds(300); // 599 s: the same bytes are now also too old, which the skew check catches
        assertRejected(send(request), 401, "clock skew too large");
    }

    @Test
    void theSixthRequestWithinAMinuteIs429WithRetryAfter() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(send(signed(AGENT, "info", now(), "token-one")).statusCode()).isEqualTo(200);
            clock.advanceSeconds(1);
        }
        HttpResponse<String> limited = send(signed(AGENT, "info", now(), "token-one"));

        assertRejected(limited, 429, "rate limit exceeded");
        assertThat(limited.headers().firstValue("Retry-After")).contains("55");
        assertThat(JSON.readTree(limited.body()).path("retry_after_ms").asLong()).isEqualTo(55_000);
        assertThat(send(signed(READER, "info", now(), "token-one")).statusCode())
                .as("the limit is per agent").isEqualTo(200);
        clock.advanceSeconds(55);
        assertThat(send(signed(AGENT, "info", now(), "token-one")).statusCode()).isEqualTo(200);
    }

    @Test
    void anOperationOutsideTheScopesIs403() throws Exception {
        assertRejected(send(signed(READER, "remove_container", now(), "token-one")), 403, "operation outside scopes");
        assertThat(send(signed(READER, "find_containers", now(), "token-one")).statusCode()).isEqualTo(200);
    }

    @Test
    void aSignedBodyCannotBeReplayedUnderNewHeadersOrOnAnotherPath() throws Exception {
        Request request = signed(AGENT, "info", now(), "token-one");
        Request newId = new Request(request.agent(), request.operation(), request.timestamp(),
                UUID.randomUUID().toString(), request.body(), request.signature());
        assertThat(send(newId).statusCode()).isEqualTo(400);
        Request otherPath = new Request(request.agent(), "remove_container", request.timestamp(),
                request.requestId(), request.body(), request.signature());
        assertThat(send(otherPath).statusCode()).isEqualTo(400);
    }

    @Test
    void aRuntimeErrorComesBackAsRuntimeOperationExceptionWithTheSidecarsMessage() {
        RemoteSessionRuntime remote = new RemoteSessionRuntime(client(shared));

        assertThatThrownBy(() -> remote.stopContainer("nothing-here", Map.of("owner", "me"),
                java.time.Duration.ofSeconds(1)))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessage("Cannot stop container 'nothing-here': no such container on the fake engine");
    }

    @Test
    void aClientOutsideItsScopesGetsTheSidecarsRefusal() {
        SignedSidecarClient reader = new SignedSidecarClient(URI.create("http://127.0.0.1:" + server.port()), READER,
                shared, JSON, clock);

        assertThatThrownBy(() -> new RemoteSessionRuntime(reader).removeContainer("x", Map.of("owner", "me")))
                .isInstanceOf(SignedSidecarClient.SidecarRefusedException.class)
                .hasMessageContaining("403 operation outside scopes")
                .hasMessageContaining("remove_container needs sessions:write");
    }

    @Test
    void aRotatedTokenIsUsedOnBothSidesWithoutARestart() throws Exception {
        RemoteSessionRuntime remote = new RemoteSessionRuntime(client(shared));
        assertThat(remote.findContainers(Map.of("owner", "me"))).isEmpty();

        currentToken.set("token-two");

        assertThat(remote.findContainers(Map.of("owner", "me"))).isEmpty();
        assertRejected(send(signed(AGENT, "info", now(), "token-one")), 401, "bad signature");
        assertThat(send(signed(AGENT, "info", now(), "token-two")).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientWithAStaleTokenRefreshesOnceAfter401AndRetries() {
        AtomicInteger refreshes = new AtomicInteger();
        AtomicReference<String> cached = new AtomicReference<>(currentToken.get());
        TokenSource caching = new TokenSource() {
            @Override
            public Optional<String> tokenFor(String agentId) {
                return Optional.of(cached.get());
            }

            @Override
            public void refresh() {
                refreshes.incrementAndGet();
                cached.set(currentToken.get());
            }
        };
        RemoteSessionRuntime remote = new RemoteSessionRuntime(client(caching));
        currentToken.set("token-two"); // the sidecar sees the rotation first

        assertThat(remote.findContainers(Map.of("owner", "me"))).isEmpty();
        assertThat(refreshes).hasValue(1);

        // a token that stays wrong after the refresh: one retry, then the sidecar's refusal
        TokenSource neverRight = new TokenSource() {
            @Override
            public Optional<String> tokenFor(String agentId) {
                return Optional.of("wrong");
            }
        };
        assertThatThrownBy(() -> new RemoteSessionRuntime(client(neverRight)).findContainers(Map.of("owner", "me")))
                .isInstanceOf(SignedSidecarClient.SidecarRefusedException.class)
                .hasMessageContaining("401 bad signature")
                .satisfies(e -> assertThat(((SignedSidecarClient.SidecarRefusedException) e).status()).isEqualTo(401));
    }

    @Test
    void aRateLimitedClientWaitsForRetryAfterAndSucceeds() {
        RemoteSessionRuntime remote = new RemoteSessionRuntime(new SignedSidecarClient(URI.create(base()), AGENT,
                shared, JSON, new MutableClock(clock.instant())));
        for (int i = 0; i < 5; i++) {
            remote.findContainers(Map.of("owner", "me"));
        }
        // the next call is limited for 60 s on the server's clock: moving it on lets the client's retry through
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread retrying = Thread.ofVirtual().start(() -> {
            try {
                outcome.set(remote.findContainers(Map.of("owner", "me")));
            } catch (RuntimeException e) {
                outcome.set(e);
            }
        });
        // the sixth call is limited until the server's clock moves a minute on; the client keeps retrying until then
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> server.rateLimitedSoFar() > 0);
        clock.advanceSeconds(61);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !retrying.isAlive());
        assertThat(outcome.get()).isEqualTo(java.util.List.of());
    }

    @Test
    void unknownRoutesAndMethods() throws Exception {
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/operations/format_disk"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/operations/info")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base() + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    // --- helpers ------------------------------------------------------------------------------------------

    private record Request(String agent, String operation, long timestamp, String requestId, byte[] body,
                           String signature) {
        Request withSignature(String other) {
            return new Request(agent, operation, timestamp, requestId, body, other);
        }
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private Request signed(String agent, String operation, long timestamp, String token) throws Exception {
        String requestId = UUID.randomUUID().toString();
        JsonNode args = JSON.valueToTree(operation.equals("info") ? Map.of()
                : operation.equals("find_containers") ? Map.of("labels", Map.of("owner", "me"))
                : Map.of("name", "x", "ownerLabels", Map.of("owner", "me")));
        byte[] body = JSON.writeValueAsBytes(new SidecarEnvelope(operation, requestId, timestamp, args));
        return new Request(agent, operation, timestamp, requestId, body, RequestSigning.sign(token, body));
    }

    private HttpResponse<String> send(Request request) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/operations/" + request.operation()))
                .header(RequestSigning.AGENT_ID, request.agent())
                .header(RequestSigning.TIMESTAMP, Long.toString(request.timestamp()))
                .header(RequestSigning.REQUEST_ID, request.requestId())
                .header(RequestSigning.SIGNATURE, request.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body())).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void assertRejected(HttpResponse<String> response, int status, String error) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).isEqualTo(error);
        assertThat(body.has("detail")).isTrue();
    }

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private SignedSidecarClient client(TokenSource tokens) {
        return new SignedSidecarClient(URI.create(base()), AGENT, tokens, JSON, clock);
    }

    /** The server's clock, moved by the test. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advanceSeconds(long seconds) {
            now.updateAndGet(t -> t.plusSeconds(seconds));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
