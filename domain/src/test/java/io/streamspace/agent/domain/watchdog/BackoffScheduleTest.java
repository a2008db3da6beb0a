package io.streamspace.agent.domain.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffScheduleTest {

    @Test
    void theSeedScheduleIsTenFifteenTwentyTwoThirtyThreeFifty() {
        assertThat(IntStream.range(0, 5).mapToObj(BackoffSchedule.SEED::delay).map(Duration::toSeconds))
                .containsExactly(10L, 15L, 22L, 33L, 50L);
        assertThat(BackoffSchedule.of(Duration.ofSeconds(10), 1.5)).isEqualTo(BackoffSchedule.SEED);
    }

    @Test
    void subSecondInitialDelaysFloorToMilliseconds() {
        BackoffSchedule scaled = BackoffSchedule.of(Duration.ofMillis(200), 1.5);
        assertThat(IntStream.range(0, 5).mapToObj(scaled::delay).map(Duration::toMillis))
                .containsExactly(200L, 300L, 450L, 675L, 1012L);
    }

    @Test
    void decimalArithmeticFloorsExactly() {
        // 10 · 1.1³ = 13.31 in decimal; binary doubles would give 13.310000000000002 (harmless) or fall below an
        // integer in other cases: the schedule never loses a whole step to rounding.
        BackoffSchedule s = new BackoffSchedule(Duration.ofSeconds(10), 1.1, Duration.ofMillis(10));
        assertThat(s.delay(3)).isEqualTo(Duration.ofMillis(13_310));
        BackoffSchedule flat = BackoffSchedule.of(Duration.ofSeconds(5), 1.0);
        assertThat(flat.delay(0)).isEqualTo(flat.delay(9)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void hugeAttemptsSaturateInsteadOfOverflowing() {
        assertThat(BackoffSchedule.SEED.delay(10_000)).isPositive();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> BackoffSchedule.of(Duration.ofSeconds(-1), 1.5)).hasMessageContaining("negative");
        assertThatThrownBy(() -> BackoffSchedule.of(Duration.ofSeconds(1), 0.5)).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> BackoffSchedule.of(Duration.ofSeconds(1), Double.NaN)).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new BackoffSchedule(Duration.ofSeconds(1), 1.5, Duration.ZERO))
                .hasMessageContaining("resolution");
        assertThatThrownBy(() -> BackoffSchedule.SEED.delay(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
