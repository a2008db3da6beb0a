package io.streamspace.agent.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.port.in.ServeControlPlane;
import io.streamspace.agent.application.port.out.LeaderLock.Lease;
import io.streamspace.agent.application.service.election.ElectionSettings;
import io.streamspace.agent.application.service.election.LeaderElectionService;
import io.streamspace.agent.application.service.election.LeadershipListener;
import io.streamspace.agent.domain.election.LeaseTiming;
import io.streamspace.agent.testkit.redis.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two election services on one real Redis (in one JVM): exactly one serves; freezing Redis makes the leader fence
 * itself and nobody serves; when Redis resumes one leads again with a larger epoch; a graceful stop hands over.
 * Throughout, never two links serve at once.
 */
@Timeout(120)
class RedisLeaderElectionTest {

    private static final String AGENT = "docker-prod-cluster";
    private static final LeaseTiming TIMING = new LeaseTiming(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(200));
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private RedisServerProcess redis;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, LeaderElectionService> services = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger serving = new AtomicInteger();
    private final AtomicInteger mostServingAtOnce = new AtomicInteger();
    private final List<String> terms = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        services.values().forEach(LeaderElectionService::stop);
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(20));
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** A link that counts how many serve at the same time. */
    private final class CountingLink implements ServeControlPlane {
        private final CountDownLatch stop = new CountDownLatch(1);

        @Override
        public StopReason serve() throws InterruptedException {
            mostServingAtOnce.accumulateAndGet(serving.incrementAndGet(), Math::max);
            try {
                stop.await();
                return StopReason.STOPPED;
            } finally {
                serving.decrementAndGet();
            }
        }

        @Override
        public void stop() {
            stop.countDown();
        }
    }

    private void start(String instance) {
        RedisLeaderLock lock = new RedisLeaderLock(redis.url(), AGENT, TIMING);
        closeables.add(lock);
        LeadershipListener recorder = new LeadershipListener() {
            @Override
            public void onLeadershipAcquired(Lease lease) {
                terms.add(instance + "@" + lease.epoch());
            }
        };
        LeaderElectionService service = new LeaderElectionService(lock, new ElectionSettings(AGENT, instance, TIMING),
                CountingLink::new, List.of(recorder));
        services.put(instance, service);
        threads.add(Thread.ofPlatform().name("election-" + instance).start(() -> {
            try {
                service.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    private String leader() {
        return services.entrySet().stream().filter(e -> e.getValue().isLeader()).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    private static long epochOf(String term) {
        return Long.parseLong(term.substring(term.indexOf('@') + 1));
    }

    @Test
    void oneLeaderThroughAFrozenRedisAndAHandOver() throws Exception {
        redis = RedisServerProcess.start(tmp.resolve("redis"));
        start("host-a");
        start("host-b");

        await().atMost(WAIT).until(() -> serving.get() == 1 && leader() != null);
        String first = leader();
        long firstEpoch = epochOf(terms.get(0));

        redis.pause(); // SIGSTOP: renewals time out
        await().atMost(WAIT).until(() -> serving.get() == 0);
        assertThat(leader()).as("the leader fenced itself").isNull();

        redis.resume();
        await().atMost(WAIT).until(() -> serving.get() == 1 && leader() != null);
        assertThat(terms).hasSize(2);
        assertThat(epochOf(terms.get(1))).isGreaterThan(firstEpoch);

        String second = leader();
        services.get(second).stop(); // graceful: releases at once, the other takes over
        await().atMost(WAIT).until(() -> terms.size() == 3 && serving.get() == 1);
        assertThat(terms.get(2)).doesNotStartWith(second + "@");
        assertThat(epochOf(terms.get(2))).isGreaterThan(epochOf(terms.get(1)));

        assertThat(mostServingAtOnce.get()).as("never two leaders serving").isEqualTo(1);
        assertThat(first).isNotNull();
    }
}
