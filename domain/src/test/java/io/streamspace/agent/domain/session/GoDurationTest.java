package io.streamspace.agent.domain.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"30m, 1800000", "1h30m, 5400000", "90s, 90000", "1.5h, 5400000", "500ms, 500", "2h45m30s, 9930000",
            "1m0.5s, 60500", "' 10s ', 10000"})
    void parses(String text, long millis) {
        assertThat(GoDuration.parseLimit("idleTimeout", text)).contains(Duration.ofMillis(millis));
    }

    @Test
    void emptyAndZeroMeanNoLimit() {
        assertThat(GoDuration.parseLimit("idleTimeout", "")).isEmpty();
        assertThat(GoDuration.parseLimit("idleTimeout", null)).isEmpty();
        assertThat(GoDuration.parseLimit("idleTimeout", "0")).isEmpty();
        assertThat(GoDuration.parseLimit("idleTimeout", "0s")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "1d", "-5m", "abc", "1h 30m", "m"})
    void rejectsWithTheField(String text) {
        assertThatThrownBy(() -> GoDuration.parseLimit("maxSessionDuration", text))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSessionDuration");
    }

    @Test
    void formatsLikeGo() {
        assertThat(GoDuration.format(Duration.ofMinutes(90))).isEqualTo("1h30m0s");
        assertThat(GoDuration.format(Duration.ofSeconds(42))).isEqualTo("42s");
    }

    /**
     * Exact decimal sums truncated to whole nanoseconds, as a BigDecimal reference computes them (the parser used
     * BigDecimal until ADR 0023): generated durations with fractions, several parts and values near the limit.
     */
    @Test
    void sumsExactlyAsDecimalsDo() {
        String[] units = {"ns", "us", "µs", "ms", "s", "m", "h"};
        Random random = new Random(20261206);
        for (int n = 0; n < 5_000; n++) {
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(3);
            for (int i = 0; i < parts; i++) {
                String whole = random.nextInt(4) == 0 ? "" : Long.toString(Math.abs(random.nextLong())
                        % (random.nextBoolean() ? 100 : 10_000_000_000_000_000L));
                String fraction = random.nextInt(3) == 0 ? "" : Long.toString(Math.abs(random.nextLong()))
                        .substring(0, 1 + random.nextInt(15));
                if (whole.isEmpty() && fraction.isEmpty()) {
                    whole = "7";
                }
                text.append(whole).append(fraction.isEmpty() && random.nextBoolean() ? "" : ".").append(fraction)
                        .append(units[random.nextInt(units.length)]);
            }
            String duration = text.toString().replace("..", ".");
            if (duration.startsWith(".") && !Character.isDigit(duration.charAt(1))) {
                continue;
            }
            Optional<Duration> expected;
            try {
                expected = reference(duration);
            } catch (IllegalArgumentException e) {
                assertThatThrownBy(() -> GoDuration.parseLimit("f", duration)).as(duration)
                        .hasMessage(e.getMessage());
                continue;
            }
            assertThat(GoDuration.parseLimit("f", duration)).as(duration).isEqualTo(expected);
        }
    }

    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)");

    private static Optional<Duration> reference(String text) {
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            BigDecimal n = new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = nanos.add(n.multiply(BigDecimal.valueOf(unit)));
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("f \"" + text + "\" is too large");
        }
        long whole = nanos.setScale(0, RoundingMode.DOWN).longValueExact();
        return whole == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(whole));
    }
}
