package io.streamspace.agent.domain.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing the sidecar API's request checks: any headers get a verdict (never an exception), and a request whose
 * timestamp is outside the allowed skew is never accepted, however far off it is.
 */
class RequestVerifierFuzzTest {

    private static final byte[] SIGNATURE = {1, 2, 3, 4};

    private static RequestVerifier verifier() {
        return new RequestVerifier(Map.of("agent-1", EnumSet.allOf(Scope.class)), VerifierLimits.DEFAULTS);
    }

    @Property(tries = 1000)
    void anyHeadersGetAVerdict(@ForAll("agentIds") String agentId, @ForAll("timestamps") String timestamp,
                               @ForAll("requestIds") String requestId, @ForAll("signatures") byte[] signature,
                               @ForAll("operations") SidecarOperation operation) {
        Verdict verdict = verifier().verify(new SignedRequest(agentId, timestamp, requestId, signature),
                id -> Optional.of(SIGNATURE), operation, Instant.ofEpochSecond(1_780_000_000L));
        assertThat(verdict).isNotNull();
        if (verdict.accepted()) {
            assertThat(agentId).isEqualTo("agent-1");
            assertThat(signature).isEqualTo(SIGNATURE);
        }
    }

    @Property(tries = 1000)
    void aTimestampOutsideTheSkewIsNeverAccepted(@ForAll long nowSeconds, @ForAll long offset) {
        long now = Math.floorMod(nowSeconds, 4_000_000_000L); // any instant up to the year 2096
        long timestamp = now + offset; // may wrap around: the verifier must not be fooled by overflow
        BigInteger skew = BigInteger.valueOf(now).subtract(BigInteger.valueOf(timestamp)).abs();
        Verdict verdict = verifier().verify(new SignedRequest("agent-1", Long.toString(timestamp),
                UUID.randomUUID().toString(), SIGNATURE), id -> Optional.of(SIGNATURE), SidecarOperation.values()[0],
                Instant.ofEpochSecond(now));
        if (skew.compareTo(BigInteger.valueOf(VerifierLimits.DEFAULTS.maxSkew().toSeconds())) > 0) {
            assertThat(verdict.rejection()).isEqualTo(Rejection.CLOCK_SKEW);
        } else {
            assertThat(verdict.accepted()).isTrue();
        }
    }

    /** Regression (found by the property above): now − timestamp overflowed to Long.MIN_VALUE, whose abs is negative. */
    @Example
    void aTimestampThatOverflowsTheSkewIsRejected() {
        long now = 1_780_000_000L;
        Verdict verdict = verifier().verify(new SignedRequest("agent-1", Long.toString(now + Long.MIN_VALUE),
                UUID.randomUUID().toString(), SIGNATURE), id -> Optional.of(SIGNATURE), SidecarOperation.values()[0],
                Instant.ofEpochSecond(now));
        assertThat(verdict.rejection()).isEqualTo(Rejection.CLOCK_SKEW);
    }

    @Provide
    Arbitrary<String> agentIds() {
        return Arbitraries.oneOf(Arbitraries.of("agent-1", "agent-2", "", " ", "AGENT-1"), Arbitraries.just(null),
                Arbitraries.strings().ofMaxLength(20));
    }

    @Provide
    Arbitrary<String> timestamps() {
        return Arbitraries.oneOf(Arbitraries.longs().map(Object::toString),
                Arbitraries.of("1780000000", " 1780000000 ", "1780000000.5", "", "-", "+1780000000",
                        "99999999999999999999", "0x10", "1e9"),
                Arbitraries.just(null), Arbitraries.strings().ofMaxLength(20));
    }

    @Provide
    Arbitrary<String> requestIds() {
        return Arbitraries.oneOf(Arbitraries.create(() -> UUID.randomUUID().toString()),
                Arbitraries.of("", "not-a-uuid", "00000000-0000-0000-0000-000000000000", "1-1-1-1-1",
                        "ffffffff-ffff-ffff-ffff-ffffffffffffff"),
                Arbitraries.just(null), Arbitraries.strings().ofMaxLength(40));
    }

    @Provide
    Arbitrary<byte[]> signatures() {
        return Arbitraries.oneOf(Arbitraries.just(SIGNATURE), Arbitraries.just(null),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40));
    }

    @Provide
    Arbitrary<SidecarOperation> operations() {
        return Arbitraries.of(SidecarOperation.class);
    }
}
