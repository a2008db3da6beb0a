package io.streamspace.agent.domain.election;

import java.time.Duration;

/**
 * The timing of leader election, as in Kubernetes' leader election:
 * <ul>
 *   <li>{@code lease}: how long the lock stays held after an acquisition or a renewal if the holder says nothing
 *       more (a standby may take over only after that);</li>
 *   <li>{@code renewDeadline}: how long the leader keeps acting without a confirmed renewal; past it the leader
 *       fences itself. Shorter than the lease, so a leader that cannot renew has stopped before anyone else can
 *       acquire;</li>
 *   <li>{@code retry}: how often a standby tries to acquire, and how often the leader renews (see
 *       {@link #renewInterval()}).</li>
 * </ul>
 * Valid when {@code lease > renewDeadline > retry > 0}.
 */
public record LeaseTiming(Duration lease, Duration renewDeadline, Duration retry) {

    /** The seed's values: lease 15 s, renew deadline 10 s, retry 2 s. */
    public static final LeaseTiming DEFAULT =
            new LeaseTiming(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

    public LeaseTiming {
        if (lease == null || renewDeadline == null || retry == null) {
            throw new IllegalArgumentException("lease, renew deadline and retry period are all required");
        }
        if (retry.isNegative() || retry.isZero()) {
            throw new IllegalArgumentException("the leader election retry period must be positive, got " + retry);
        }
        if (renewDeadline.compareTo(retry) <= 0) {
            throw new IllegalArgumentException("the leader election renew deadline (" + renewDeadline
                    + ") must be longer than the retry period (" + retry + ")");
        }
        if (lease.compareTo(renewDeadline) <= 0) {
            throw new IllegalArgumentException("the leader election lease (" + lease
                    + ") must be longer than the renew deadline (" + renewDeadline + ")");
        }
    }

    /**
     * How often the leader renews: the retry period, but at least three attempts fit in the renew deadline, so one
     * lost round trip never costs leadership.
     */
    public Duration renewInterval() {
        Duration third = renewDeadline.dividedBy(3);
        return retry.compareTo(third) <= 0 ? retry : third;
    }

    /** The time a leader keeps after its renew deadline before the lease can expire elsewhere. */
    public Duration fencingMargin() {
        return lease.minus(renewDeadline);
    }
}
