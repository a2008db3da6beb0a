package io.streamspace.agent.application.service.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.port.in.ServeControlPlane.StopReason;
import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.port.out.LeaderLock.Lease;
import io.streamspace.agent.application.port.out.LeaderLockInMemory;
import io.streamspace.agent.domain.election.LeaseTiming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The election service with the in-memory lock and fake links. Deadlines are decided on a manual monotonic clock
 * that the tests move; the service only waits in real time for its (short) retry period.
 */
@Timeout(60)
class LeaderElectionServiceTest {

    private static final String AGENT = "docker-prod-cluster";
    private static final long SECOND = 1_000_000_000L;
    /** Seed lease and renew deadline on the manual clock; a short retry so the loop wakes often in real time. */
    private static final LeaseTiming TIMING =
            new LeaseTiming(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMillis(20));
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final LeaderLockInMemory.Backend backend = LeaderLockInMemory.Backend.manual(AGENT, TIMING.lease(), clock);
    private final LeaderLockInMemory lock = new LeaderLockInMemory(backend);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<FakeLink> links = new CopyOnWriteArrayList<>();
    private final List<Long> epochs = new CopyOnWriteArrayList<>();
    private final List<Running> running = new ArrayList<>();

    private final LeadershipListener listener = new LeadershipListener() {
        @Override
        public void onLeadershipAcquired(Lease lease) {
            epochs.add(lease.epoch().value());
            events.add("acquired " + lease.epoch());
        }

        @Override
        public void onLeadershipLost(Lease lease) {
            events.add("lost " + lease.epoch());
        }
    };

    private record Running(LeaderElectionService service, FutureTask<StopReason> task, Thread thread) {
        StopReason result() throws InterruptedException, ExecutionException, TimeoutException {
            return task.get(20, TimeUnit.SECONDS);
        }
    }

    private Running start(LeaderLock leaderLock, String instance, LeaseTiming timing, java.util.function.LongSupplier nanoTime) {
        LeaderElectionService service = new LeaderElectionService(leaderLock,
                new ElectionSettings(AGENT, instance, timing), () -> {
                    FakeLink link = new FakeLink(links.size() + 1, events);
                    links.add(link);
                    return link;
                }, List.of(listener), nanoTime);
        FutureTask<StopReason> task = new FutureTask<>(service::run);
        Thread thread = Thread.ofPlatform().name("election-" + instance).start(task);
        Running r = new Running(service, task, thread);
        running.add(r);
        return r;
    }

    private Running start() {
        return start(lock, "host-a", TIMING, clock::get);
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Running r : running) {
            r.service().stop();
            r.thread().join(Duration.ofSeconds(20));
        }
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Test
    void becomesLeaderStampsTheEpochAndServes() {
        Running r = start();

        await().atMost(WAIT).until(() -> links.size() == 1 && links.get(0).serving);

        assertThat(epochs).containsExactly(1L);
        assertThat(lock.currentHolder()).contains("host-a");
        assertThat(r.service().isLeader()).isTrue();
        assertThat(r.service().currentLease()).hasValueSatisfying(l -> assertThat(l.epoch().value()).isEqualTo(1));
        assertThat(events).containsExactly("acquired 1", "serve 1");
    }

    @Test
    void renewsAndKeepsLeadingAsLongAsRenewalsAreConfirmed() {
        Running r = start();
        await().atMost(WAIT).until(() -> links.size() == 1 && links.get(0).serving);

        for (int i = 0; i < 30; i++) { // 30 s on the clock: three renew deadlines, twice the lease
            int before = backend.renewals();
            advance(Duration.ofSeconds(1));
            await().atMost(WAIT).until(() -> backend.renewals() > before);
        }

        assertThat(links).hasSize(1);
        assertThat(links.get(0).stopped).isFalse();
        assertThat(r.service().isLeader()).isTrue();
        assertThat(lock.currentHolder()).contains("host-a");
    }

    @Test
    void selfFencesWhenNoRenewalIsConfirmedBeforeTheDeadlineThenRegainsWithAFreshLink() {
        Running r = start();
        await().atMost(WAIT).until(() -> links.size() == 1 && links.get(0).serving);

        backend.unavailable("Cannot reach Redis at redis://127.0.0.1:1/0: Connection refused");
        advance(Duration.ofSeconds(9));
        await().atMost(WAIT).until(() -> backend.renewals() >= 1);
        assertThat(links.get(0).stopped).as("still within the renew deadline").isFalse();
        assertThat(r.service().isLeader()).isTrue();

        advance(Duration.ofSeconds(1)); // 10 s since the acquisition was sent: the renew deadline
        await().atMost(WAIT).until(() -> !links.get(0).serving);

        assertThat(events).containsExactly("acquired 1", "serve 1", "lost 1", "stop 1", "served 1");
        assertThat(r.service().isLeader()).isFalse();
        assertThat(r.service().currentLease()).isEmpty();

        // Redis comes back; the old lease has not expired yet (15 s), then it does, and we lead again.
        backend.unavailable(null);
        advance(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> links.size() == 2 && links.get(1).serving);

        assertThat(epochs).containsExactly(1L, 2L);
        assertThat(links.get(0).serveCalls).isEqualTo(1);
        assertThat(r.service().currentLease().orElseThrow().epoch().value()).isEqualTo(2);
    }

    @Test
    void fencesAtOnceWhenTheLockIsNoLongerOursAndLeadsAgainAfterTheOtherReleases() {
        Running r = start();
        await().atMost(WAIT).until(() -> links.size() == 1 && links.get(0).serving);

        LeaderLockInMemory other = lock.node();
        backend.expire();
        Lease stolen = other.tryAcquire("host-b").orElseThrow();
        advance(Duration.ofSeconds(1)); // renewal due
        await().atMost(WAIT).until(() -> links.get(0).stopped && !links.get(0).serving);

        assertThat(events).containsExactly("acquired 1", "serve 1", "lost 1", "stop 1", "served 1");
        int attempts = backend.acquireAttempts();
        await().atMost(WAIT).until(() -> backend.acquireAttempts() > attempts + 3);
        assertThat(links).hasSize(1);

        other.release(stolen);
        await().atMost(WAIT).until(() -> links.size() == 2 && links.get(1).serving);
        assertThat(epochs).containsExactly(1L, 3L);
        assertThat(r.service().isLeader()).isTrue();
    }

    @Test
    void losingAndRegainingManyTimesServesAFreshLinkEachTerm() {
        Running r = start();
        for (int term = 1; term <= 5; term++) {
            int t = term;
            await().atMost(WAIT).until(() -> links.size() == t && links.get(t - 1).serving);
            backend.expire(); // lease gone: next renewal says it is no longer ours
            advance(Duration.ofSeconds(1));
            await().atMost(WAIT).until(() -> !links.get(t - 1).serving);
        }
        await().atMost(WAIT).until(() -> links.size() == 6 && links.get(5).serving);
        assertThat(epochs).hasSize(6).isSorted().doesNotHaveDuplicates();
        assertThat(links).allSatisfy(l -> assertThat(l.serveCalls).isEqualTo(1));
        assertThat(r.service().isLeader()).isTrue();
    }

    @Test
    void gracefulStopReleasesTheLockImmediately() throws Exception {
        Running r = start();
        await().atMost(WAIT).until(() -> links.size() == 1 && links.get(0).serving);

        r.service().stop();

        assertThat(r.result()).isEqualTo(StopReason.STOPPED);
        assertThat(lock.currentHolder()).as("released, not left to expire").isEmpty();
        assertThat(events).containsExactly("acquired 1", "serve 1", "lost 1", "stop 1", "served 1");
        // a standby acquires at once, without any time passing on the clock
        assertThat(lock.node().tryAcquire("host-b")).isPresent();
    }

    @Test
    void aStandbyNeverServesNorTellsListenersAndTakesOverWhenTheLeaderReleases() throws Exception {
        LeaderLockInMemory leaderNode = lock.node();
        Lease leader = leaderNode.tryAcquire("host-b").orElseThrow();
        Running r = start();

        await().atMost(WAIT).until(() -> backend.acquireAttempts() >= 10);
        assertThat(links).isEmpty();
        assertThat(events).isEmpty();
        assertThat(r.service().isLeader()).isFalse();

        leaderNode.release(leader);
        await().atMost(WAIT).until(() -> links.size() == 1 && links.get(0).serving);
        assertThat(epochs).containsExactly(2L);
    }

    @Test
    void aStandbyStopsPromptlyWithoutEverLeading() throws Exception {
        lock.node().tryAcquire("host-b").orElseThrow();
        Running r = start();
        await().atMost(WAIT).until(() -> backend.acquireAttempts() >= 2);

        r.service().stop();

        assertThat(r.result()).isEqualTo(StopReason.STOPPED);
        assertThat(links).isEmpty();
        assertThat(lock.currentHolder()).contains("host-b");
    }

    @Test
    void anUnreachableLockKeepsAStandbyCampaigning() {
        backend.unavailable("Cannot reach Redis at redis://127.0.0.1:1/0: Connection refused");
        start();
        await().atMost(WAIT).until(() -> backend.acquireAttempts() >= 5);
        assertThat(links).isEmpty();

        backend.unavailable(null);
        await().atMost(WAIT).until(() -> links.size() == 1 && links.get(0).serving);
    }

    @Test
    void theControlPlanesFinalAnswerEndsTheRunAndReleasesTheLock() throws Exception {
        Running r = start();
        await().atMost(WAIT).until(() -> links.size() == 1 && links.get(0).serving);

        links.get(0).endBy(StopReason.REJECTED_BY_CONTROL_PLANE);

        assertThat(r.result()).isEqualTo(StopReason.REJECTED_BY_CONTROL_PLANE);
        assertThat(lock.currentHolder()).isEmpty();
        assertThat(events).contains("lost 1");
    }

    @Test
    void aLinkThatEndsUnexpectedlyStepsDownAndCampaignsAgain() {
        start();
        await().atMost(WAIT).until(() -> links.size() == 1 && links.get(0).serving);

        links.get(0).endBy(StopReason.STOPPED); // not asked to: the link died

        await().atMost(WAIT).until(() -> links.size() == 2 && links.get(1).serving);
        assertThat(epochs).containsExactly(1L, 2L);
    }

    @Test
    void aHungRenewalCannotKeepTheLeaderPastItsDeadline() {
        // Real monotonic time here: the renewal blocks and only the deadline can end the term.
        LeaseTiming shortTiming = new LeaseTiming(Duration.ofMillis(1_500), Duration.ofMillis(600), Duration.ofMillis(100));
        LeaderLockInMemory.Backend real = new LeaderLockInMemory.Backend(AGENT, shortTiming.lease(), System::nanoTime);
        CountDownLatch never = new CountDownLatch(1);
        Running r = start(new LeaderLockInMemory(real), "host-a", shortTiming, System::nanoTime);
        await().atMost(WAIT).until(() -> links.size() == 1 && links.get(0).serving);

        real.hangRenewals(never);

        await().atMost(WAIT).until(() -> !links.get(0).serving);
        assertThat(events).startsWith("acquired 1", "serve 1", "lost 1", "stop 1", "served 1");
        assertThat(r.service().isLeader()).isFalse();
        never.countDown();
    }
}
