package io.streamspace.agent.domain.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamspace.agent.domain.sidecar.Rejection;
import io.streamspace.agent.domain.sidecar.RequestVerifier;
import io.streamspace.agent.domain.sidecar.Scope;
import io.streamspace.agent.domain.sidecar.SidecarOperation;
import io.streamspace.agent.domain.sidecar.SignedRequest;
import io.streamspace.agent.domain.sidecar.Verdict;
import io.streamspace.agent.domain.sidecar.VerifierLimits;
import java.math.BigInteger;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing the sidecar API's request checks: any headers get a verdict (never an exception, and only the known
 * agent with the right signature is accepted), and a request whose timestamp is outside the allowed skew is never
 * accepted, however far off it is. Each input checks both.
 */
class RequestVerifierFuzzTest {

    private static final byte[] SIGNATURE = {1, 2, 3, 4};
    private static final Instant NOW = Instant.ofEpochSecond(1_780_000_000L);

    private static Verdict verify(String agentId, String timestamp, String requestId, byte[] signature,
                                  SidecarOperation operation, Instant now) {
        RequestVerifier verifier = new RequestVerifier(Map.of("agent-1", EnumSet.allOf(Scope.class)),
                VerifierLimits.DEFAULTS);
        return verifier.verify(new SignedRequest(agentId, timestamp, requestId, signature),
                id -> Optional.of(SIGNATURE), operation, now);
    }

    @FuzzTest(maxDuration = "8s")
    void requestHeaders(FuzzedDataProvider data) {
        aTimestampOutsideTheSkewIsNeverAccepted(data.consumeLong(), data.consumeLong());
        anyHeadersGetAVerdict(agentId(data), timestamp(data), requestId(data), signature(data),
                data.pickValue(SidecarOperation.values()));
    }

    private static void anyHeadersGetAVerdict(String agentId, String timestamp, String requestId, byte[] signature,
                                              SidecarOperation operation) {
        Verdict verdict = verify(agentId, timestamp, requestId, signature, operation, NOW);
        assertThat(verdict).isNotNull();
        if (verdict.accepted()) {
            assertThat(agentId).isEqualTo("agent-1");
            assertThat(signature).isEqualTo(SIGNATURE);
        } else {
            assertThat(verdict.detail()).isNotBlank();
        }
    }

    private static void aTimestampOutsideTheSkewIsNeverAccepted(long nowSeconds, long offset) {
        long now = Math.floorMod(nowSeconds, 4_000_000_000L); // any instant up to the year 2096
        long timestamp = now + offset; // may wrap around: the verifier must not be fooled by overflow
        BigInteger skew = BigInteger.valueOf(now).subtract(BigInteger.valueOf(timestamp)).abs();
        Verdict verdict = verify("agent-1", Long.toString(timestamp), new UUID(now, offset).toString(), SIGNATURE,
                SidecarOperation.values()[0], Instant.ofEpochSecond(now));
        if (skew.compareTo(BigInteger.valueOf(VerifierLimits.DEFAULTS.maxSkew().toSeconds())) > 0) {
            assertThat(verdict.rejection()).as("timestamp %d at now %d", timestamp, now)
                    .isEqualTo(Rejection.CLOCK_SKEW);
        } else {
            assertThat(verdict.accepted()).as("timestamp %d at now %d", timestamp, now).isTrue();
        }
    }

    /** Regression (found by fuzzing): now − timestamp overflowed to Long.MIN_VALUE, whose abs is negative. */
    @Test
    void aTimestampThatOverflowsTheSkewIsRejected() {
        long now = 1_780_000_000L;
        Verdict verdict = verify("agent-1", Long.toString(now + Long.MIN_VALUE), UUID.randomUUID().toString(),
                SIGNATURE, SidecarOperation.values()[0], Instant.ofEpochSecond(now));
        assertThat(verdict.rejection()).isEqualTo(Rejection.CLOCK_SKEW);
    }

    private static String agentId(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 2)) {
            case 0 -> data.pickValue(new String[] {"agent-1", "agent-2", "", " ", "AGENT-1"});
            case 1 -> null;
            default -> data.consumeString(20);
        };
    }

    private static String timestamp(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> Long.toString(data.consumeLong());
            case 1 -> data.pickValue(new String[] {"1780000000", " 1780000000 ", "1780000000.5", "", "-",
                    "+1780000000", "99999999999999999999", "0x10", "1e9"});
            case 2 -> null;
            default -> data.consumeString(20);
        };
    }

    private static String requestId(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> new UUID(data.consumeLong(), data.consumeLong()).toString();
            case 1 -> data.pickValue(new String[] {"", "not-a-uuid", "00000000-0000-0000-0000-000000000000",
                    "1-1-1-1-1", "ffffffff-ffff-ffff-ffff-ffffffffffffff"});
            case 2 -> null;
            default -> data.consumeString(40);
        };
    }

    private static byte[] signature(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 2)) {
            case 0 -> SIGNATURE.clone();
            case 1 -> null;
            default -> data.consumeBytes(40);
        };
    }
}
