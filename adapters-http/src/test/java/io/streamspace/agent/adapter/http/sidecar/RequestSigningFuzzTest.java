package io.streamspace.agent.adapter.http.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.sidecar.Rejection;
import io.streamspace.agent.domain.sidecar.RequestVerifier;
import io.streamspace.agent.domain.sidecar.Scope;
import io.streamspace.agent.domain.sidecar.SidecarOperation;
import io.streamspace.agent.domain.sidecar.SignedRequest;
import io.streamspace.agent.domain.sidecar.Verdict;
import io.streamspace.agent.domain.sidecar.VerifierLimits;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing the signed-request check as the sidecar server runs it: the signature header decoded by
 * {@link RequestSigning#decode}, the expected HMAC over the body, the verifier. Any header text gets a verdict;
 * a correctly signed body is accepted; any change to the body or the signature is refused.
 */
class RequestSigningFuzzTest {

    private static final String TOKEN = "fuzz-token-0123456789abcdef";
    private static final Instant NOW = Instant.ofEpochSecond(1_780_000_000L);

    private static Verdict check(String signatureHeader, byte[] body, String timestamp, String requestId) {
        RequestVerifier verifier = new RequestVerifier(Map.of("agent-1", EnumSet.allOf(Scope.class)),
                VerifierLimits.DEFAULTS);
        return verifier.verify(new SignedRequest("agent-1", timestamp, requestId, RequestSigning.decode(signatureHeader)),
                agent -> Optional.of(RequestSigning.hmac(TOKEN, body)), SidecarOperation.values()[0], NOW);
    }

    @Property(tries = 500)
    void anySignatureHeaderGetsAVerdict(@ForAll("headers") String header, @ForAll byte[] body) {
        Verdict verdict = check(header, body, Long.toString(NOW.getEpochSecond()), UUID.randomUUID().toString());
        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.rejection()).isIn(Rejection.MALFORMED, Rejection.BAD_SIGNATURE);
    }

    @Property(tries = 500)
    void aCorrectSignatureIsAcceptedAndAnyChangeIsRefused(@ForAll byte[] body, @ForAll("flips") int flip) {
        String header = RequestSigning.sign(TOKEN, body);
        assertThat(check(header, body, Long.toString(NOW.getEpochSecond()), UUID.randomUUID().toString()).accepted())
                .isTrue();
        byte[] changed = body.length == 0 ? new byte[] {0} : body.clone();
        if (body.length > 0) {
            changed[Math.floorMod(flip, body.length)] ^= (byte) (1 << Math.floorMod(flip, 8));
        }
        assertThat(check(header, changed, Long.toString(NOW.getEpochSecond()), UUID.randomUUID().toString())
                .rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
        byte[] signature = Base64.getDecoder().decode(header);
        signature[Math.floorMod(flip, signature.length)] ^= 1;
        assertThat(check(Base64.getEncoder().encodeToString(signature), body, Long.toString(NOW.getEpochSecond()),
                UUID.randomUUID().toString()).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
    }

    @Provide
    Arbitrary<String> headers() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(80),
                Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ")
                        .ofMaxLength(64),
                Arbitraries.of("", "=", "====", "AAAA", " AAAA ", "A", "AA==", "AAA=", "%%%%",
                        Base64.getEncoder().encodeToString("x".repeat(31).getBytes(StandardCharsets.UTF_8)),
                        Base64.getUrlEncoder().encodeToString(new byte[] {-1, -2, -3})),
                Arbitraries.just(null));
    }

    @Provide
    Arbitrary<Integer> flips() {
        return Arbitraries.integers();
    }
}
