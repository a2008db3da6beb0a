package io.streamspace.agent.domain.election;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeadershipStateTest {

    private static final long SECOND = 1_000_000_000L;
    private final LeaseTiming timing = LeaseTiming.DEFAULT;

    @Test
    void standbyNeverLeads() {
        assertThat(LeadershipState.standby(timing).decide(0)).isEqualTo(Leadership.STANDBY);
        assertThat(LeadershipState.standby(timing).decide(Long.MAX_VALUE)).isEqualTo(Leadership.STANDBY);
    }

    @Test
    void leadsUntilTheRenewDeadlineSinceTheLastConfirmedRequest() {
        LeadershipState.Leading leading = LeadershipState.standby(timing).acquired(FencingEpoch.of(3), 100 * SECOND);
        assertThat(leading.decide(100 * SECOND)).isEqualTo(Leadership.LEADING);
        assertThat(leading.decide(110 * SECOND - 1)).isEqualTo(Leadership.LEADING);
        assertThat(leading.decide(110 * SECOND)).isEqualTo(Leadership.MUST_STEP_DOWN);
        assertThat(leading.untilStepDown(104 * SECOND)).isEqualTo(Duration.ofSeconds(6));

        LeadershipState.Leading renewed = leading.renewed(108 * SECOND);
        assertThat(renewed.epoch()).isEqualTo(FencingEpoch.of(3));
        assertThat(renewed.decide(117 * SECOND)).isEqualTo(Leadership.LEADING);
        assertThat(renewed.decide(118 * SECOND)).isEqualTo(Leadership.MUST_STEP_DOWN);
        assertThat(renewed.stepDown().decide(118 * SECOND)).isEqualTo(Leadership.STANDBY);
    }

    @Test
    void aLateOlderConfirmationNeverMovesTheDeadlineBack() {
        LeadershipState.Leading leading = LeadershipState.standby(timing).acquired(FencingEpoch.of(1), 50 * SECOND);
        assertThat(leading.renewed(40 * SECOND)).isSameAs(leading);
    }

    @Test
    void survivesTheWrapAroundOfTheMonotonicCounter() {
        long start = Long.MAX_VALUE - 2 * SECOND;
        LeadershipState.Leading leading = LeadershipState.standby(timing).acquired(FencingEpoch.of(1), start);
        assertThat(leading.decide(start + 5 * SECOND)).isEqualTo(Leadership.LEADING); // wrapped to negative
        assertThat(leading.decide(start + 10 * SECOND)).isEqualTo(Leadership.MUST_STEP_DOWN);
        assertThat(leading.renewed(start + 4 * SECOND).decide(start + 12 * SECOND)).isEqualTo(Leadership.LEADING);
    }

    @Test
    void nextRenewalIsOneRenewIntervalAfterTheLastAttempt() {
        LeadershipState.Leading leading = LeadershipState.standby(timing).acquired(FencingEpoch.of(1), 0);
        assertThat(leading.nextRenewalAtNanos(5 * SECOND)).isEqualTo(7 * SECOND);
    }
}
