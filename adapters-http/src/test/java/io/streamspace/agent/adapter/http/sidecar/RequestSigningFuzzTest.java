package io.streamspace.agent.adapter.http.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamspace.agent.domain.sidecar.Rejection;
import io.streamspace.agent.domain.sidecar.RequestVerifier;
import io.streamspace.agent.domain.sidecar.Scope;
import io.streamspace.agent.domain.sidecar.SidecarOperation;
import io.streamspace.agent.domain.sidecar.SignedRequest;
import io.streamspace.agent.domain.sidecar.Verdict;
import io.streamspace.agent.domain.sidecar.VerifierLimits;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Fuzzing the signed-request check as the sidecar server runs it: the signature header decoded by
 * {@link RequestSigning#decode}, the expected HMAC over the body, the verifier. Any header text gets a verdict
 * (accepted only when it is the body's signature); a correctly signed body is accepted; any change to the body or
 * the signature is refused. Each input checks both.
 */
class RequestSigningFuzzTest {

    private static final String TOKEN = "fuzz-token-0123456789abcdef";
    private static final Instant NOW = Instant.ofEpochSecond(1_780_000_000L);

    private static Verdict check(String signatureHeader, byte[] body) {
        RequestVerifier verifier = new RequestVerifier(Map.of("agent-1", EnumSet.allOf(Scope.class)),
                VerifierLimits.DEFAULTS);
        return verifier.verify(new SignedRequest("agent-1", Long.toString(NOW.getEpochSecond()),
                        UUID.randomUUID().toString(), RequestSigning.decode(signatureHeader)),
                agent -> Optional.of(RequestSigning.hmac(TOKEN, body)), SidecarOperation.values()[0], NOW);
    }

    @FuzzTest(maxDuration = "8s")
    @DictionaryEntries({"=", "==", "+", "/", "-", "_", " ", "AAAA"})
    void signatures(FuzzedDataProvider data) {
        int flip = data.consumeInt();
        String header = data.consumeBoolean() ? null : data.consumeString(80);
        byte[] body = data.consumeRemainingAsBytes();
        anySignatureHeaderGetsAVerdict(header, body);
        aCorrectSignatureIsAcceptedAndAnyChangeIsRefused(body, flip);
    }

    private static void anySignatureHeaderGetsAVerdict(String header, byte[] body) {
        Verdict verdict = check(header, body);
        byte[] decoded = RequestSigning.decode(header);
        if (decoded != null && Arrays.equals(decoded, RequestSigning.hmac(TOKEN, body))) {
            assertThat(verdict.accepted()).isTrue(); // the input happens to carry the real HMAC of the body
        } else {
            assertThat(verdict.rejection()).as("header %s", header).isIn(Rejection.MALFORMED, Rejection.BAD_SIGNATURE);
        }
    }

    private static void aCorrectSignatureIsAcceptedAndAnyChangeIsRefused(byte[] body, int flip) {
        String header = RequestSigning.sign(TOKEN, body);
        assertThat(check(header, body).accepted()).isTrue();
        byte[] changed = body.length == 0 ? new byte[] {0} : body.clone();
        if (body.length > 0) {
            changed[Math.floorMod(flip, body.length)] ^= (byte) (1 << Math.floorMod(flip, 8));
        }
        assertThat(check(header, changed).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
        byte[] signature = Base64.getDecoder().decode(header);
        signature[Math.floorMod(flip, signature.length)] ^= 1;
        assertThat(check(Base64.getEncoder().encodeToString(signature), body).rejection())
                .isEqualTo(Rejection.BAD_SIGNATURE);
    }
}
