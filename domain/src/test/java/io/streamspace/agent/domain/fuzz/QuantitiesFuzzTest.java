package io.streamspace.agent.domain.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.resource.InvalidQuantityException;
import io.streamspace.agent.domain.resource.Quantities;
import java.math.BigDecimal;
import java.math.RoundingMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing the quantity parser (the control plane's {@code memory}/{@code cpu} strings): any text either parses to
 * a positive number or is refused with {@link InvalidQuantityException}; never another exception. Well-formed
 * quantities parse to the value Kubernetes gives them.
 */
class QuantitiesFuzzTest {

    @Property(tries = 500)
    void anyTextParsesOrIsRefusedClearly(@ForAll("quantityLike") String text) {
        for (boolean memory : new boolean[] {true, false}) {
            try {
                long value = memory ? Quantities.memoryBytes(text) : Quantities.cpuMillis(text);
                assertThat(value).isPositive();
            } catch (InvalidQuantityException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }

    @Property(tries = 300)
    void binarySuffixesMultiplyByPowersOf1024(@ForAll("wholeNumbers") long n, @ForAll("binarySuffixes") int power) {
        BigDecimal expected = BigDecimal.valueOf(n).multiply(BigDecimal.valueOf(1024).pow(power));
        String text = n + new String[] {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}[power];
        if (expected.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 || n == 0) {
            try {
                Quantities.memoryBytes(text);
                throw new AssertionError(text + " should be refused (zero or too large)");
            } catch (InvalidQuantityException expectedRefusal) {
                return;
            }
        }
        assertThat(Quantities.memoryBytes(text)).isEqualTo(expected.longValueExact());
    }

    @Property(tries = 300)
    void millicoresRoundUp(@ForAll("decimals") BigDecimal cores) {
        long expected = cores.multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING).longValueExact();
        String text = cores.toPlainString();
        if (expected <= 0) {
            return;
        }
        assertThat(Quantities.cpuMillis(text)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> quantityLike() {
        Arbitrary<String> digits = Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(30);
        Arbitrary<String> suffix = Arbitraries.of("", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi",
                "Ei", "e3", "E-2", "e+999999999", "e-999999999", "e9999999999999999999", "Mb", "mi", " ", "\u0660");
        Arbitrary<String> structured = Combinators.combine(Arbitraries.of("", "+", "-", " ", "."), digits,
                Arbitraries.of("", ".", ".5", "..", "."), digits, suffix).as((a, b, c, d, e) -> a + b + c + d + e);
        return Arbitraries.oneOf(structured, Arbitraries.strings().ofMaxLength(40));
    }

    @Provide
    Arbitrary<Long> wholeNumbers() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<Integer> binarySuffixes() {
        return Arbitraries.integers().between(0, 6);
    }

    @Provide
    Arbitrary<BigDecimal> decimals() {
        return Arbitraries.bigDecimals().between(BigDecimal.ZERO, BigDecimal.valueOf(1_000_000)).ofScale(4);
    }
}
