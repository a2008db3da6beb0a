package io.streamspace.agent.domain.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchdogStateTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final HealthState CRASHED = new HealthState.Unhealthy("exited with code 1");
    private static final HealthState GLIBC = new HealthState.GlibcMismatch("version `GLIBC_2.39' not found");

    private final RestartPolicy policy = RestartPolicy.SEED;
    private WatchdogState state = WatchdogState.INITIAL;

    private WatchdogDecision at(long seconds, HealthState health) {
        WatchdogDecision decision = state.decide(health, T0.plusSeconds(seconds), policy);
        state = decision.next();
        return decision;
    }

    /**
     * Drives a container that never recovers, checking whenever the watchdog asks to, and returns the seconds at
     * which it restarted, until it gives up.
     */
    private List<Long> restartsUntilGiveUp(HealthState health) {
        List<Long> restarts = new ArrayList<>();
        Instant now = T0;
        for (int i = 0; i < 100; i++) {
            WatchdogDecision d = state.decide(health, now, policy);
            state = d.next();
            if (d instanceof WatchdogDecision.RestartNow) {
                restarts.add(Duration.between(T0, now).toSeconds());
            }
            if (d instanceof WatchdogDecision.GiveUp g) {
                assertThat(g.attempts()).isEqualTo(5);
                return restarts;
            }
            now = d.recheckAt();
        }
        throw new AssertionError("never gave up");
    }

    @Test
    void aCrashedContainerIsRestartedAfterTenFifteenTwentyTwoThirtyThreeFiftySecondsThenGivenUp() {
        // Checks every 30 s; each unhealthy run waits its delay from the check that saw it, then restarts and
        // the next unhealthy run starts at the following regular check (30 s after the restart).
        List<Long> restarts = restartsUntilGiveUp(CRASHED);
        assertThat(restarts).containsExactly(10L, 10 + 30 + 15L, 55 + 30 + 22L, 107 + 30 + 33L, 170 + 30 + 50L);
        assertThat(state.failed()).isTrue();
        assertThat(state.attempts()).isEqualTo(5);
    }

    @Test
    void aGlibcMismatchIsRestartedAtOnceTheFirstTimeThenWithBackoff() {
        List<Long> restarts = restartsUntilGiveUp(GLIBC);
        assertThat(restarts).containsExactly(0L, 30 + 15L, 45 + 30 + 22L, 97 + 30 + 33L, 160 + 30 + 50L);
    }

    @Test
    void waitingReportsTheDueTimeAndTheAttemptAndRechecksAtIt() {
        WatchdogDecision first = at(0, CRASHED);
        assertThat(first).isInstanceOfSatisfying(WatchdogDecision.WaitUntil.class, w -> {
            assertThat(w.restartAt()).isEqualTo(T0.plusSeconds(10));
            assertThat(w.recheckAt()).isEqualTo(T0.plusSeconds(10));
            assertThat(w.attempt()).isEqualTo(1);
        });
        // An earlier check (e.g. asked for by the status API) does not move the due time.
        assertThat(at(4, CRASHED)).isInstanceOfSatisfying(WatchdogDecision.WaitUntil.class,
                w -> assertThat(w.restartAt()).isEqualTo(T0.plusSeconds(10)));
        assertThat(at(10, CRASHED)).isInstanceOfSatisfying(WatchdogDecision.RestartNow.class, r -> {
            assertThat(r.attempt()).isEqualTo(1);
            assertThat(r.delay()).isEqualTo(Duration.ofSeconds(10));
            assertThat(r.recheckAt()).isEqualTo(T0.plusSeconds(40));
        });
        assertThat(state.lastRestartAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(state.attempts()).isEqualTo(1);
    }

    @Test
    void aDelayLongerThanTheIntervalStillRechecksAtTheInterval() {
        RestartPolicy slow = new RestartPolicy(Duration.ofSeconds(5), 3, BackoffSchedule.SEED);
        WatchdogDecision d = WatchdogState.INITIAL.decide(CRASHED, T0, slow);
        assertThat(d).isInstanceOfSatisfying(WatchdogDecision.WaitUntil.class, w -> {
            assertThat(w.recheckAt()).isEqualTo(T0.plusSeconds(5));
            assertThat(w.restartAt()).isEqualTo(T0.plusSeconds(10));
        });
    }

    @Test
    void recoveringBeforeTheDueTimeCancelsThePendingRestart() {
        at(0, CRASHED);
        assertThat(at(5, HealthState.HEALTHY)).isInstanceOf(WatchdogDecision.Stay.class);
        assertThat(state.restartDueAt()).isNull();
        // A new unhealthy run gets a fresh delay from its own first check.
        assertThat(at(8, CRASHED)).isInstanceOfSatisfying(WatchdogDecision.WaitUntil.class,
                w -> assertThat(w.restartAt()).isEqualTo(T0.plusSeconds(18)));
    }

    @Test
    void healthyForAFullIntervalResetsTheAttempts() {
        at(0, CRASHED);
        at(10, CRASHED);
        at(40, CRASHED);
        at(55, CRASHED);
        assertThat(state.attempts()).isEqualTo(2);
        assertThat(at(85, HealthState.HEALTHY)).isInstanceOf(WatchdogDecision.Stay.class);
        assertThat(at(100, HealthState.HEALTHY)).isInstanceOf(WatchdogDecision.Stay.class);
        assertThat(state.attempts()).isEqualTo(2);
        assertThat(at(115, HealthState.HEALTHY)).isInstanceOfSatisfying(WatchdogDecision.Reset.class, r -> {
            assertThat(r.clearedAttempts()).isEqualTo(2);
            assertThat(r.wasFailed()).isFalse();
        });
        assertThat(state.attempts()).isZero();
        // Reset only once: further healthy checks change nothing.
        assertThat(at(145, HealthState.HEALTHY)).isInstanceOf(WatchdogDecision.Stay.class);
        // The schedule starts over at 10 s.
        assertThat(at(150, CRASHED)).isInstanceOfSatisfying(WatchdogDecision.WaitUntil.class,
                w -> assertThat(w.restartAt()).isEqualTo(T0.plusSeconds(160)));
    }

    @Test
    void aHealthyStreakBrokenBeforeAFullIntervalDoesNotReset() {
        at(0, CRASHED);
        at(10, CRASHED);
        at(40, HealthState.HEALTHY);
        at(60, HealthState.STARTING);
        at(70, HealthState.HEALTHY);
        assertThat(at(90, HealthState.HEALTHY)).isInstanceOf(WatchdogDecision.Stay.class);
        assertThat(state.attempts()).isEqualTo(1);
        assertThat(at(100, HealthState.HEALTHY)).isInstanceOf(WatchdogDecision.Reset.class);
    }

    @Test
    void startingNeitherRestartsNorResets() {
        at(0, CRASHED);
        at(10, CRASHED);
        for (long t = 40; t < 400; t += 30) {
            assertThat(at(t, HealthState.STARTING)).isInstanceOf(WatchdogDecision.Stay.class);
        }
        assertThat(state.attempts()).isEqualTo(1);
    }

    @Test
    void notFoundIsNeitherRestartedNorCounted() {
        assertThat(at(0, HealthState.NOT_FOUND)).isInstanceOf(WatchdogDecision.Stay.class);
        assertThat(at(100, HealthState.NOT_FOUND)).isInstanceOf(WatchdogDecision.Stay.class);
        assertThat(state).isEqualTo(WatchdogState.INITIAL);
    }

    @Test
    void afterGivingUpItStaysFailedUntilHealthyForAFullInterval() {
        restartsUntilGiveUp(CRASHED);
        long t = 1000;
        assertThat(at(t, CRASHED)).isInstanceOf(WatchdogDecision.StayFailed.class);
        assertThat(at(t + 30, GLIBC)).isInstanceOf(WatchdogDecision.StayFailed.class);
        assertThat(at(t + 60, HealthState.HEALTHY)).isInstanceOf(WatchdogDecision.Stay.class);
        assertThat(state.failed()).isTrue();
        assertThat(at(t + 90, HealthState.HEALTHY)).isInstanceOfSatisfying(WatchdogDecision.Reset.class, r -> {
            assertThat(r.clearedAttempts()).isEqualTo(5);
            assertThat(r.wasFailed()).isTrue();
        });
        assertThat(state.failed()).isFalse();
        assertThat(state.attempts()).isZero();
    }

    @Test
    void zeroAttemptsGivesUpAtOnce() {
        RestartPolicy never = new RestartPolicy(Duration.ofSeconds(30), 0, BackoffSchedule.SEED);
        assertThat(WatchdogState.INITIAL.decide(GLIBC, T0, never)).isInstanceOf(WatchdogDecision.GiveUp.class);
    }

    @Test
    void aHealthyContainerWithNothingToResetJustStays() {
        assertThat(at(0, HealthState.HEALTHY)).isInstanceOf(WatchdogDecision.Stay.class);
        assertThat(at(30, HealthState.HEALTHY)).isInstanceOf(WatchdogDecision.Stay.class);
        assertThat(state.healthySince()).isEqualTo(T0);
    }

    @Test
    void policyRefusesNonsense() {
        assertThatThrownBy(() -> new RestartPolicy(Duration.ZERO, 5, BackoffSchedule.SEED))
                .hasMessageContaining("interval");
        assertThatThrownBy(() -> new RestartPolicy(Duration.ofSeconds(1), -1, BackoffSchedule.SEED))
                .hasMessageContaining("negative");
        assertThat(RestartPolicy.SEED.delayBefore(0, GLIBC)).isZero();
        assertThat(RestartPolicy.SEED.delayBefore(1, GLIBC)).isEqualTo(Duration.ofSeconds(15));
        assertThat(RestartPolicy.SEED.delayBefore(0, CRASHED)).isEqualTo(Duration.ofSeconds(10));
    }
}
