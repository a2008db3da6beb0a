package io.streamspace.agent.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.port.out.LeaderLock.Lease;
import io.streamspace.agent.application.port.out.LeaderLockUnavailableException;
import io.streamspace.agent.domain.election.LeaseTiming;
import io.streamspace.agent.testkit.redis.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What only Redis does: its faults (down, frozen, restarted empty), ACL users, and the keys it uses. */
@Timeout(120)
class RedisLeaderLockTest {

    private static final String AGENT = "docker-prod-cluster";
    private static final LeaseTiming TIMING = RedisLeaderLockContractTest.TIMING;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private RedisServerProcess redis(String... args) throws Exception {
        RedisServerProcess server = RedisServerProcess.start(tmp.resolve("redis-" + resources.size()), args);
        resources.add(server);
        return server;
    }

    private RedisLeaderLock lock(String url) {
        RedisLeaderLock lock = new RedisLeaderLock(url, AGENT, TIMING);
        resources.add(lock);
        return lock;
    }

    @Test
    void handedOverLinesAreTakenOnceInOrderBySeveralTakers() throws Exception {
        RedisServerProcess server = redis();
        RedisLeaderLock fenced = lock(server.url());
        RedisLeaderLock leader = lock(server.url());
        RedisLeaderLock other = lock(server.url());
        fenced.handOver(List.of("a", "b", "c"));
        fenced.handOver(List.of("d"));
        fenced.handOver(List.of());

        assertThat(server.command("LLEN", "streamspace:agent:handover:" + AGENT)).isEqualTo(":4");
        assertThat(leader.takeHandedOver(2)).containsExactly("a", "b");
        assertThat(other.takeHandedOver(100)).containsExactly("c", "d");
        assertThat(leader.takeHandedOver(100)).isEmpty();
        assertThat(server.command("EXISTS", "streamspace:agent:handover:" + AGENT)).isEqualTo(":0");
    }

    @Test
    void usesTheDocumentedKeysWithTheLeaseAsTtl() throws Exception {
        RedisServerProcess server = redis();
        Lease lease = lock(server.url()).tryAcquire("host-a").orElseThrow();

        assertThat(server.command("GET", "streamspace:agent:leader:" + AGENT)).isEqualTo("host-a");
        assertThat(server.command("GET", "streamspace:agent:epoch:" + AGENT)).isEqualTo(Long.toString(lease.epoch().value()));
        long ttl = Long.parseLong(server.command("PTTL", "streamspace:agent:leader:" + AGENT).substring(1));
        assertThat(ttl).isBetween(1L, TIMING.lease().toMillis());
    }

    @Test
    void anUnreachableRedisIsReportedPreciselyWithoutThePassword() throws Exception {
        int port = RedisServerProcess.freePort(); // nobody listens there
        RedisLeaderLock lock = lock("redis://agent:hunter2@127.0.0.1:" + port + "/0");

        assertThatThrownBy(() -> lock.tryAcquire("host-a"))
                .isInstanceOf(LeaderLockUnavailableException.class)
                .hasMessage("Cannot reach Redis at redis://agent@127.0.0.1:" + port + "/0: Connection refused")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(lock::currentHolder).isInstanceOf(LeaderLockUnavailableException.class);
    }

    @Test
    void worksWithAnAclUserLimitedToItsKeysAndCommands() throws Exception {
        RedisServerProcess server = redis("--user", "default", "off",
                "--user", "leader", "on", ">s3cret-pw", "~streamspace:agent:*", "+@connection",
                "+eval", "+get", "+set", "+incr", "+pexpire", "+del", "+time");

        RedisLeaderLock a = lock(server.url("leader", "s3cret-pw"));
        RedisLeaderLock b = lock(server.url("leader", "s3cret-pw"));
        Lease lease = a.tryAcquire("host-a").orElseThrow();
        assertThat(b.tryAcquire("host-b")).isEmpty();
        assertThat(b.currentHolder()).contains("host-a");
        assertThat(a.renew(lease)).isTrue();
        a.release(lease);
        assertThat(b.tryAcquire("host-b")).isPresent();
    }

    @Test
    void wrongCredentialsAreReportedWithoutThePassword() throws Exception {
        RedisServerProcess server = redis("--user", "default", "off",
                "--user", "leader", "on", ">s3cret-pw", "~*", "+@all");

        RedisLeaderLock wrong = lock(server.url("leader", "not-the-pw"));
        assertThatThrownBy(() -> wrong.tryAcquire("host-a"))
                .isInstanceOf(LeaderLockUnavailableException.class)
                .hasMessageStartingWith("Redis at redis://leader@127.0.0.1:" + server.port() + "/0 refused user 'leader': ")
                .hasMessageContaining("WRONGPASS")
                .hasMessageNotContaining("not-the-pw");

        RedisLeaderLock anonymous = lock(server.url());
        assertThatThrownBy(() -> anonymous.tryAcquire("host-a"))
                .isInstanceOf(LeaderLockUnavailableException.class)
                .hasMessageContaining("NOAUTH");
    }

    @Test
    void aUserWithoutThePermissionsGetsAPreciseRefusal() throws Exception {
        RedisServerProcess server = redis("--user", "default", "off",
                "--user", "reader", "on", ">pw", "~*", "+@connection", "+get");

        RedisLeaderLock lock = lock(server.url("reader", "pw"));
        assertThatThrownBy(() -> lock.tryAcquire("host-a"))
                .isInstanceOf(LeaderLockUnavailableException.class)
                .hasMessageStartingWith("Redis at redis://reader@127.0.0.1:" + server.port() + "/0 refused")
                .hasMessageContaining("NOPERM");
    }

    @Test
    void aFrozenRedisFailsCallsWithinTheTimeoutAndRecovers() throws Exception {
        RedisServerProcess server = redis();
        RedisLeaderLock lock = lock(server.url());
        Lease lease = lock.tryAcquire("host-a").orElseThrow();

        server.pause();
        long start = System.nanoTime();
        assertThatThrownBy(() -> lock.renew(lease))
                .isInstanceOf(LeaderLockUnavailableException.class)
                .hasMessageStartingWith("Cannot reach Redis at " + server.url() + ": ")
                .hasMessageContaining("timed out");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("one call is bounded by the timeout, far below the renew deadline")
                .isLessThan(TIMING.renewDeadline());

        server.resume();
        assertThat(lock.renew(lease)).isTrue();
    }

    @Test
    void epochsKeepGrowingWhenRedisRestartsEmpty() throws Exception {
        RedisServerProcess server = redis();
        RedisLeaderLock a = lock(server.url());
        Lease before = a.tryAcquire("host-a").orElseThrow();

        server.restart(); // SIGKILL and start again: no persistence, every key is gone

        RedisLeaderLock fresh = lock(server.url()); // a process that never saw an epoch
        Lease after = fresh.tryAcquire("host-b").orElseThrow();
        assertThat(after.epoch()).isGreaterThan(before.epoch());
        assertThat(a.renew(before)).as("the old term is over").isFalse();
        assertThat(a.tryAcquire("host-a")).isEmpty();
    }

    @Test
    void afterRedisLostItsStateNobodyLeadsForOneLeaseSoTheFormerLeaderFencesFirst() throws Exception {
        RedisServerProcess server = redis();
        RedisLeaderLock a = lock(server.url());
        RedisLeaderLock b = lock(server.url());
        Lease before = a.tryAcquire("host-a").orElseThrow();
        assertThat(b.tryAcquire("host-b")).as("b stands by and learns the epoch").isEmpty();

        server.restart(); // the lease host-a believes in is gone

        long restartedAt = System.nanoTime();
        assertThat(b.tryAcquire("host-b")).as("a standby that saw an epoch does not lead at once").isEmpty();
        assertThat(b.currentHolder()).as("nobody leads during the quarantine").isEmpty();
        assertThat(a.renew(before)).as("the former leader learns it lost the lock at its next renewal").isFalse();
        assertThat(a.tryAcquire("host-a")).isEmpty();
        Lease after = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> b.tryAcquire("host-b"), Optional::isPresent).orElseThrow();
        assertThat(Duration.ofNanos(System.nanoTime() - restartedAt)).as("quarantined for about one lease")
                .isGreaterThanOrEqualTo(TIMING.lease().minusMillis(200));
        assertThat(after.epoch()).isGreaterThan(before.epoch());
        assertThat(a.tryAcquire("host-a")).isEmpty();
        assertThat(a.currentHolder()).contains("host-b");
    }
}
