package io.streamspace.agent.domain.election;

import java.time.Duration;

/**
 * The election state of one instance, immutable and pure: times are values of a <em>monotonic</em> clock in
 * nanoseconds ({@code System.nanoTime()} in production), passed in, and compared by difference so a wrap-around
 * of the counter does no harm.
 *
 * <p>A renewal counts from the moment its request was <em>sent</em>, not when its answer arrived: the lock's
 * backend started the new lease after that moment, so the lease cannot end before {@code sentAt + lease}, and the
 * leader stops at {@code sentAt + renewDeadline}, a full {@link LeaseTiming#fencingMargin()} earlier.
 */
public sealed interface LeadershipState {

    LeaseTiming timing();

    /** What to do at {@code nowNanos}. */
    Leadership decide(long nowNanos);

    static LeadershipState standby(LeaseTiming timing) {
        return new Standby(timing);
    }

    /**
     * Leadership won by an acquisition whose request was sent at {@code requestSentNanos}.
     */
    default Leading acquired(FencingEpoch epoch, long requestSentNanos) {
        return new Leading(timing(), epoch, requestSentNanos);
    }

    /** Not holding the lease. */
    record Standby(LeaseTiming timing) implements LeadershipState {
        public Standby {
            if (timing == null) {
                throw new IllegalArgumentException("timing is required");
            }
        }

        @Override
        public Leadership decide(long nowNanos) {
            return Leadership.STANDBY;
        }
    }

    /**
     * Holding the lease of term {@code epoch}, last confirmed by a request sent at {@code confirmedAtNanos}.
     */
    record Leading(LeaseTiming timing, FencingEpoch epoch, long confirmedAtNanos) implements LeadershipState {
        public Leading {
            if (timing == null || epoch == null) {
                throw new IllegalArgumentException("timing and epoch are required");
            }
        }

        @Override
        public Leadership decide(long nowNanos) {
            return nowNanos - confirmedAtNanos >= timing.renewDeadline().toNanos()
                    ? Leadership.MUST_STEP_DOWN : Leadership.LEADING;
        }

        /**
         * A renewal whose request was sent at {@code requestSentNanos} was confirmed. An older confirmation arriving
         * late never moves the deadline backwards.
         */
        public Leading renewed(long requestSentNanos) {
            return requestSentNanos - confirmedAtNanos > 0
                    ? new Leading(timing, epoch, requestSentNanos) : this;
        }

        /** The monotonic time at which this leader must have stepped down without a further confirmation. */
        public long stepDownAtNanos() {
            return confirmedAtNanos + timing.renewDeadline().toNanos();
        }

        /** How long, from {@code nowNanos}, until the renew deadline; zero or negative when already passed. */
        public Duration untilStepDown(long nowNanos) {
            return Duration.ofNanos(stepDownAtNanos() - nowNanos);
        }

        /** When the next renewal is due after the one sent at {@code lastAttemptNanos}. */
        public long nextRenewalAtNanos(long lastAttemptNanos) {
            return lastAttemptNanos + timing.renewInterval().toNanos();
        }

        /** Back to standby after stepping down or releasing. */
        public Standby stepDown() {
            return new Standby(timing);
        }
    }
}
