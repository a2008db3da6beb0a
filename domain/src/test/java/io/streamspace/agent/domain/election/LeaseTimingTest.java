package io.streamspace.agent.domain.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseTimingTest {

    @Test
    void defaultsAreTheSeeds() {
        assertThat(LeaseTiming.DEFAULT.lease()).isEqualTo(Duration.ofSeconds(15));
        assertThat(LeaseTiming.DEFAULT.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(LeaseTiming.DEFAULT.retry()).isEqualTo(Duration.ofSeconds(2));
        assertThat(LeaseTiming.DEFAULT.renewInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(LeaseTiming.DEFAULT.fencingMargin()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void leaseMustExceedRenewDeadlineWhichMustExceedRetry() {
        assertThatThrownBy(() -> new LeaseTiming(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the leader election lease (PT10S) must be longer than the renew deadline (PT10S)");
        assertThatThrownBy(() -> new LeaseTiming(Duration.ofSeconds(15), Duration.ofSeconds(2), Duration.ofSeconds(2)))
                .hasMessage("the leader election renew deadline (PT2S) must be longer than the retry period (PT2S)");
        assertThatThrownBy(() -> new LeaseTiming(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ZERO))
                .hasMessageContaining("retry period must be positive");
        assertThatThrownBy(() -> new LeaseTiming(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(-1)))
                .hasMessageContaining("retry period must be positive");
        assertThatThrownBy(() -> new LeaseTiming(null, Duration.ofSeconds(10), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void renewalsFitAtLeastThreeTimesInTheDeadline() {
        LeaseTiming slowRetry = new LeaseTiming(Duration.ofSeconds(15), Duration.ofSeconds(9), Duration.ofSeconds(8));
        assertThat(slowRetry.renewInterval()).isEqualTo(Duration.ofSeconds(3));
    }
}
