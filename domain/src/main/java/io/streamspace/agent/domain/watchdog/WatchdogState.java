package io.streamspace.agent.domain.watchdog;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The watchdog's memory between checks, and its state machine: {@link #decide} takes what a check found and the
 * current time (passed in: the domain reads no clock) and answers what to do, with the state to keep.
 *
 * <p>Rules, with {@link RestartPolicy}:
 * <ul>
 *   <li>A container that needs a restart ({@link HealthState#needsRestart()}) starts an <em>unhealthy run</em>: the
 *       restart is due {@link RestartPolicy#delayBefore delay(attempts)} after the first check that saw it
 *       (10, 15, 22, 33, 50 s for the seed; no delay for the first restart of a glibc mismatch). Checks before
 *       that answer {@link WatchdogDecision.WaitUntil}; at or after it, {@link WatchdogDecision.RestartNow}, which
 *       counts the attempt whether or not the engine manages the restart. The next unhealthy check after a
 *       restart starts the next run.</li>
 *   <li>Once {@code maxAttempts} restarts were made, the next unhealthy check gives up
 *       ({@link WatchdogDecision.GiveUp}, once) and the state is failed: no more restarts
 *       ({@link WatchdogDecision.StayFailed}).</li>
 *   <li>A container seen {@link HealthState.Healthy} at checks spanning a full check interval resets the attempt
 *       counter and the failed flag ({@link WatchdogDecision.Reset}).</li>
 *   <li>{@link HealthState.Starting} and {@link HealthState.NotFound} neither restart nor count as healthy; they end
 *       a pending unhealthy run (the container changed under us).</li>
 * </ul>
 *
 * @param attempts      restarts made since the last reset
 * @param failed        gave up: no more restarts until the container is healthy for a full interval
 * @param healthySince  the first check of the current healthy streak, or null
 * @param restartDueAt  when the pending restart of the current unhealthy run is due, or null
 * @param lastRestartAt when the last restart was made, or null
 */
public record WatchdogState(int attempts, boolean failed, Instant healthySince, Instant restartDueAt,
                            Instant lastRestartAt) {

    public static final WatchdogState INITIAL = new WatchdogState(0, false, null, null, null);

    public WatchdogState {
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative, got " + attempts);
        }
    }

    /** What to do about a check that found {@code health} at {@code now}. */
    public WatchdogDecision decide(HealthState health, Instant now, RestartPolicy policy) {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(policy, "policy");
        Instant recheck = now.plus(policy.checkInterval());
        return switch (health) {
            case HealthState.Healthy h -> healthy(now, policy, recheck);
            case HealthState.Starting s -> new WatchdogDecision.Stay(
                    new WatchdogState(attempts, failed, null, null, lastRestartAt), recheck);
            case HealthState.NotFound n -> new WatchdogDecision.Stay(
                    new WatchdogState(attempts, failed, null, null, lastRestartAt), recheck);
            case HealthState.Unhealthy u -> unhealthy(health, now, policy, recheck);
            case HealthState.GlibcMismatch g -> unhealthy(health, now, policy, recheck);
        };
    }

    private WatchdogDecision healthy(Instant now, RestartPolicy policy, Instant recheck) {
        Instant since = healthySince == null ? now : healthySince;
        boolean somethingToReset = attempts > 0 || failed;
        if (somethingToReset && !now.isBefore(since.plus(policy.checkInterval()))) {
            return new WatchdogDecision.Reset(new WatchdogState(0, false, since, null, lastRestartAt), recheck,
                    attempts, failed);
        }
        return new WatchdogDecision.Stay(new WatchdogState(attempts, failed, since, null, lastRestartAt), recheck);
    }

    private WatchdogDecision unhealthy(HealthState health, Instant now, RestartPolicy policy, Instant recheck) {
        if (failed) {
            return new WatchdogDecision.StayFailed(new WatchdogState(attempts, true, null, null, lastRestartAt), recheck);
        }
        if (attempts >= policy.maxAttempts()) {
            return new WatchdogDecision.GiveUp(new WatchdogState(attempts, true, null, null, lastRestartAt), recheck,
                    attempts);
        }
        Duration delay = policy.delayBefore(attempts, health);
        Instant due = restartDueAt != null ? restartDueAt : now.plus(delay);
        if (now.isBefore(due)) {
            Instant wake = due.isBefore(recheck) ? due : recheck;
            return new WatchdogDecision.WaitUntil(new WatchdogState(attempts, false, null, due, lastRestartAt), wake,
                    due, attempts + 1);
        }
        return new WatchdogDecision.RestartNow(new WatchdogState(attempts + 1, false, null, null, now), recheck,
                attempts + 1, delay);
    }
}
