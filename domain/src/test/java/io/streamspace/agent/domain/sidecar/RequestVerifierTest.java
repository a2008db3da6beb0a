package io.streamspace.agent.domain.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestVerifierTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final byte[] GOOD = "good-signature".getBytes(StandardCharsets.UTF_8);
    private static final Function<String, Optional<byte[]>> SIGNATURES = id -> Optional.of(GOOD);

    private final RequestVerifier verifier = new RequestVerifier(Map.of(
            "agent-1", Scope.all(),
            "reader", Set.of(Scope.SESSIONS_READ)), VerifierLimits.DEFAULTS);

    private static SignedRequest request(String agent, long timestamp, String requestId, byte[] signature) {
        return new SignedRequest(agent, Long.toString(timestamp), requestId, signature);
    }

    private static SignedRequest valid(String agent) {
        return request(agent, NOW.getEpochSecond(), UUID.randomUUID().toString(), GOOD);
    }

    static Stream<Arguments> rejections() {
        long now = NOW.getEpochSecond();
        String id = UUID.randomUUID().toString();
        return Stream.of(
                Arguments.of("no agent id", new SignedRequest(null, "" + now, id, GOOD), Rejection.MALFORMED),
                Arguments.of("no signature", new SignedRequest("agent-1", "" + now, id, null), Rejection.MALFORMED),
                Arguments.of("timestamp not a number", new SignedRequest("agent-1", "noon", id, GOOD), Rejection.MALFORMED),
                Arguments.of("request id not a UUID", new SignedRequest("agent-1", "" + now, "42", GOOD), Rejection.MALFORMED),
                Arguments.of("unknown agent", request("stranger", now, id, GOOD), Rejection.UNKNOWN_AGENT),
                Arguments.of("301 s behind", request("agent-1", now - 301, id, GOOD), Rejection.CLOCK_SKEW),
                Arguments.of("301 s ahead", request("agent-1", now + 301, id, GOOD), Rejection.CLOCK_SKEW),
                Arguments.of("other signature", request("agent-1", now, id, "bad-signature!".getBytes()), Rejection.BAD_SIGNATURE),
                Arguments.of("truncated signature", request("agent-1", now, id, "good".getBytes()), Rejection.BAD_SIGNATURE),
                Arguments.of("empty signature", request("agent-1", now, id, new byte[0]), Rejection.BAD_SIGNATURE),
                Arguments.of("write without the scope", request("reader", now, id, GOOD), Rejection.SCOPE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void eachFlawIsRejectedWithItsReason(String name, SignedRequest request, Rejection expected) {
        Verdict verdict = verifier.verify(request, SIGNATURES, SidecarOperation.CREATE_AND_START, NOW);

        assertThat(verdict.rejected()).contains(expected);
        assertThat(verdict.accepted()).isFalse();
    }

    @Test
    void exactly300SecondsOfSkewEitherWayIsAccepted() {
        long now = NOW.getEpochSecond();
        assertThat(verifier.verify(request("agent-1", now - 300, UUID.randomUUID().toString(), GOOD), SIGNATURES,
                SidecarOperation.INFO, NOW).accepted()).isTrue();
        assertThat(verifier.verify(request("agent-1", now + 300, UUID.randomUUID().toString(), GOOD), SIGNATURES,
                SidecarOperation.INFO, NOW).accepted()).isTrue();
    }

    @Test
    void anAgentWithoutATokenIsUnknown() {
        Verdict verdict = verifier.verify(valid("agent-1"), id -> Optional.empty(), SidecarOperation.INFO, NOW);

        assertThat(verdict.rejected()).contains(Rejection.UNKNOWN_AGENT);
    }

    @Test
    void aReaderMayRead() {
        assertThat(verifier.verify(valid("reader"), SIGNATURES, SidecarOperation.INSPECT, NOW).accepted()).isTrue();
    }

    @Test
    void aRequestIdIsRefusedAgainWithin600SecondsAndForgottenAfter() {
        SignedRequest first = valid("agent-1");
        assertThat(verifier.verify(first, SIGNATURES, SidecarOperation.INFO, NOW).accepted()).isTrue();

        // the same id with a fresh timestamp (skew is fine) 599 s later
        SignedRequest again = request("agent-1", NOW.getEpochSecond() + 599, first.requestId(), GOOD);
        Verdict replayed = verifier.verify(again, SIGNATURES, SidecarOperation.INFO, NOW.plusSeconds(599));
        assertThat(replayed.rejected()).contains(Rejection.REPLAY);
        assertThat(Rejection.REPLAY.reason()).isEqualTo("replay detected");

        SignedRequest later = request("agent-1", NOW.getEpochSecond() + 601, first.requestId(), GOOD);
        assertThat(verifier.verify(later, SIGNATURES, SidecarOperation.INFO, NOW.plusSeconds(601)).accepted()).isTrue();
        assertThat(verifier.rememberedRequestIds()).isEqualTo(1);
    }

    @Test
    void aForgedRequestNeitherBlocksItsIdNorUsesTheRate() {
        String id = UUID.randomUUID().toString();
        SignedRequest forged = request("agent-1", NOW.getEpochSecond(), id, "forged-signatur".getBytes());
        assertThat(verifier.verify(forged, SIGNATURES, SidecarOperation.INFO, NOW).rejected())
                .contains(Rejection.BAD_SIGNATURE);

        assertThat(verifier.verify(request("agent-1", NOW.getEpochSecond(), id, GOOD), SIGNATURES,
                SidecarOperation.INFO, NOW).accepted()).isTrue();
        assertThat(verifier.rememberedRequestIds()).isEqualTo(1);
    }

    @Test
    void the121stRequestWithinAMinuteIsRateLimitedPerAgentUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < 120; i++) {
            Instant at = NOW.plusMillis(i * 100L);
            assertThat(verifier.verify(valid("agent-1"), SIGNATURES, SidecarOperation.INFO, at).accepted())
                    .as("request %d", i + 1).isTrue();
        }
        Instant at = NOW.plusSeconds(30);
        Verdict limited = verifier.verify(valid("agent-1"), SIGNATURES, SidecarOperation.INFO, at);
        assertThat(limited.rejected()).contains(Rejection.RATE_LIMITED);
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(verifier.verify(valid("reader"), SIGNATURES, SidecarOperation.INFO, at).accepted())
                .as("another agent has its own budget").isTrue();

        assertThat(verifier.verify(valid("agent-1"), SIGNATURES, SidecarOperation.INFO, NOW.plusSeconds(60))
                .rejected()).as("the first request is exactly a minute old: it no longer counts").isEmpty();
    }

    @Test
    void aRateLimitedRequestIdMayBeRetried() {
        VerifierLimits one = VerifierLimits.DEFAULTS.withRequestsPerMinute(1);
        RequestVerifier strict = new RequestVerifier(Map.of("agent-1", Scope.all()), one);
        assertThat(strict.verify(valid("agent-1"), SIGNATURES, SidecarOperation.INFO, NOW).accepted()).isTrue();
        SignedRequest second = valid("agent-1");

        assertThat(strict.verify(second, SIGNATURES, SidecarOperation.INFO, NOW).rejected())
                .contains(Rejection.RATE_LIMITED);
        assertThat(strict.verify(second, SIGNATURES, SidecarOperation.INFO, NOW.plusSeconds(61)).accepted()).isTrue();
    }

    @Test
    void constantTimeComparison() {
        assertThat(RequestVerifier.constantTimeEquals(GOOD, GOOD.clone())).isTrue();
        assertThat(RequestVerifier.constantTimeEquals(GOOD, new byte[GOOD.length])).isFalse();
        assertThat(RequestVerifier.constantTimeEquals(new byte[0], new byte[0])).isFalse();
        assertThat(RequestVerifier.constantTimeEquals(null, GOOD)).isFalse();
    }

    @Test
    void aReplayWindowShorterThanTwiceTheSkewIsRefused() {
        assertThatThrownBy(() -> new VerifierLimits(Duration.ofSeconds(300), Duration.ofSeconds(599), 120))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }

    @Test
    void scopesAndOperationsHaveTheirWireNames() {
        assertThat(Scope.parse("stacks:write")).contains(Scope.STACKS_WRITE);
        assertThat(Scope.parse("stacks:delete")).isEmpty();
        assertThat(SidecarOperation.parse("create_and_start")).contains(SidecarOperation.CREATE_AND_START);
        assertThat(SidecarOperation.INSPECT.scope()).isEqualTo(Scope.SESSIONS_READ);
        assertThat(SidecarOperation.REMOVE_VOLUME.scope()).isEqualTo(Scope.SESSIONS_WRITE);
    }
}
