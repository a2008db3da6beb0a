package io.streamspace.agent.domain.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    private final ReconnectBackoff backoff = ReconnectBackoff.DEFAULT;

    @Test
    void ceilingDoublesFromTheInitialDelayUpToTheCap() {
        assertThat(backoff.ceilingMillis(0)).isEqualTo(2_000);
        assertThat(backoff.ceilingMillis(1)).isEqualTo(4_000);
        assertThat(backoff.ceilingMillis(4)).isEqualTo(32_000);
        assertThat(backoff.ceilingMillis(5)).isEqualTo(60_000);
        assertThat(backoff.ceilingMillis(1_000)).isEqualTo(60_000);
    }

    @Test
    void fullJitterSpansFromTheMinimumToTheCeiling() {
        assertThat(backoff.delay(3, 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(3, 0.5)).isEqualTo(Duration.ofMillis(1_000 + 15_000 / 2));
        assertThat(backoff.delay(3, 0.999_999)).isLessThan(Duration.ofSeconds(16)).isGreaterThan(Duration.ofMillis(15_990));
    }

    @Test
    void firstRetryWaitsBetweenOneAndTwoSeconds() {
        assertThat(backoff.delay(0, 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(0, 0.99)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void refusesAnInconsistentConfiguration() {
        assertThatThrownBy(() -> new ReconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff.delay(0, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
