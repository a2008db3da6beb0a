package io.streamspace.agent.application.service.panel;

import io.streamspace.agent.application.port.in.DescribeAgent.Leadership;
import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.service.election.LeadershipListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This replica's leadership as the status panel shows it, and the {@code leadership} events. With HA it starts as
 * a standby and follows the election; without HA it leads alone ({@code single}) for its whole life. A standby
 * asks the lock who holds it at most every {@value #HOLDER_CACHE_SECONDS} s.
 */
public final class LeadershipView implements LeadershipListener {

    private static final long HOLDER_CACHE_SECONDS = 2;

    private final AgentEventFeed feed;
    private final Clock clock;
    private final boolean highAvailability;
    private final String instanceId;
    private final Supplier<Optional<String>> lockHolder;
    private volatile LeaderLock.Lease lease;
    private volatile Instant since;
    private volatile int terms;
    private String cachedHolder;
    private Instant holderReadAt;

    /**
     * @param lockHolder asks the lock who holds it (HA only; may throw when the backend is unreachable)
     */
    public LeadershipView(AgentEventFeed feed, Clock clock, boolean highAvailability, String instanceId,
                          Supplier<Optional<String>> lockHolder) {
        this.feed = Objects.requireNonNull(feed);
        this.clock = Objects.requireNonNull(clock);
        this.highAvailability = highAvailability;
        this.instanceId = instanceId;
        this.lockHolder = lockHolder;
        this.since = clock.instant();
    }

    /** Whether this replica may act on sessions now (it leads, or runs without HA). */
    public boolean leading() {
        return !highAvailability || lease != null;
    }

    public Leadership current() {
        LeaderLock.Lease term = lease;
        if (!highAvailability) {
            return new Leadership("single", null, null, since, terms);
        }
        if (term != null) {
            return new Leadership("leader", term.epoch().value(), term.instanceId(), since, terms);
        }
        return new Leadership("standby", null, holder(), since, terms);
    }

    @Override
    public void onLeadershipAcquired(LeaderLock.Lease lease) {
        this.lease = lease;
        this.since = clock.instant();
        this.terms++;
        publish("leader", lease, "this replica (" + lease.instanceId() + ") leads with epoch " + lease.epoch().value());
    }

    @Override
    public void onLeadershipLost(LeaderLock.Lease lease) {
        this.lease = null;
        this.since = clock.instant();
        synchronized (this) {
            holderReadAt = null;
        }
        publish("standby", lease, "this replica (" + lease.instanceId() + ") stopped leading (epoch "
                + lease.epoch().value() + ")");
    }

    private void publish(String state, LeaderLock.Lease lease, String summary) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", state);
        details.put("instance_id", lease.instanceId());
        details.put("epoch", lease.epoch().value());
        feed.publish("leadership", summary, details);
    }

    private synchronized String holder() {
        Instant now = clock.instant();
        if (holderReadAt == null || Duration.between(holderReadAt, now).toSeconds() >= HOLDER_CACHE_SECONDS) {
            holderReadAt = now;
            try {
                cachedHolder = lockHolder == null ? null : lockHolder.get().orElse(null);
            } catch (RuntimeException e) {
                cachedHolder = null;
            }
        }
        return cachedHolder;
    }

    public String instanceId() {
        return instanceId;
    }
}
