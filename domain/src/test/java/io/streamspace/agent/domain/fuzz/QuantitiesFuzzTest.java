package io.streamspace.agent.domain.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamspace.agent.domain.resource.InvalidQuantityException;
import io.streamspace.agent.domain.resource.Quantities;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing the quantity parser (the control plane's {@code memory}/{@code cpu} strings): any text either parses to
 * a positive number or is refused with {@link InvalidQuantityException}; never another exception. Well-formed
 * quantities parse to the value Kubernetes gives them: binary suffixes multiply by powers of 1024 (or are refused
 * as too large), fractional cores round up to whole millicores.
 */
class QuantitiesFuzzTest {

    private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    @FuzzTest(maxDuration = "8s")
    @DictionaryEntries({"Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E", "e3", "E-2", "e+",
            "e-", ".", "+", "-", "0.", ".5", "9223372036854775807", "e9999999999999999999", "\u0660"})
    void quantities(FuzzedDataProvider data) {
        // not consumeLong(0, Long.MAX_VALUE): in Jazzer 0.24 a range of exactly MAX_VALUE goes negative (upstream #931)
        long whole = data.consumeLong() & Long.MAX_VALUE;
        int power = data.consumeInt(0, BINARY_SUFFIXES.length - 1);
        long tenThousandths = data.consumeLong(0, 10_000_000_000L);
        String text = data.consumeRemainingAsString();

        anyTextParsesOrIsRefusedClearly(text);
        binarySuffixesMultiplyByPowersOf1024(whole, power);
        millicoresRoundUp(BigDecimal.valueOf(tenThousandths, 4));
    }

    private static void anyTextParsesOrIsRefusedClearly(String text) {
        for (boolean memory : new boolean[] {true, false}) {
            try {
                long value = memory ? Quantities.memoryBytes(text) : Quantities.cpuMillis(text);
                assertThat(value).as("%s of %s", memory ? "memory" : "cpu", text).isPositive();
            } catch (InvalidQuantityException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }

    private static void binarySuffixesMultiplyByPowersOf1024(long n, int power) {
        BigDecimal expected = BigDecimal.valueOf(n).multiply(BigDecimal.valueOf(1024).pow(power));
        String text = n + BINARY_SUFFIXES[power];
        if (n == 0 || expected.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            assertThatThrownBy(() -> Quantities.memoryBytes(text)).as("%s is zero or too large", text)
                    .isInstanceOf(InvalidQuantityException.class);
            return;
        }
        assertThat(Quantities.memoryBytes(text)).as(text).isEqualTo(expected.longValueExact());
    }

    private static void millicoresRoundUp(BigDecimal cores) {
        long expected = cores.multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING).longValueExact();
        String text = cores.toPlainString();
        if (expected <= 0) {
            assertThatThrownBy(() -> Quantities.cpuMillis(text)).isInstanceOf(InvalidQuantityException.class);
            return;
        }
        assertThat(Quantities.cpuMillis(text)).as(text).isEqualTo(expected);
    }

    @Test
    void theLargestWholeNumberOfBytesParsesAndOneMoreIsRefused() {
        assertThat(Quantities.memoryBytes("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> Quantities.memoryBytes("9223372036854775808"))
                .isInstanceOf(InvalidQuantityException.class);
        assertThatThrownBy(() -> Quantities.memoryBytes("8Ei")).isInstanceOf(InvalidQuantityException.class);
    }
}
