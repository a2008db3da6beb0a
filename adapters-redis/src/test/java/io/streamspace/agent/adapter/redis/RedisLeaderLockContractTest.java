package io.streamspace.agent.adapter.redis;

import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.port.out.LeaderLockContract;
import io.streamspace.agent.domain.election.LeaseTiming;
import io.streamspace.agent.testkit.redis.RedisServerProcess;
import io.streamspace.agent.testkit.files.TempFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/** The {@link LeaderLock} contract against {@link RedisLeaderLock} on a real redis-server. */
@Timeout(120)
class RedisLeaderLockContractTest extends LeaderLockContract {

    /** A short lease so the expiry test waits for the real TTL, not a simulation of it. */
    static final LeaseTiming TIMING = new LeaseTiming(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(500));

    private static Path directory;
    private static RedisServerProcess server;

    private final List<RedisLeaderLock> nodes = new ArrayList<>();
    private String agentId;

    @BeforeAll
    static void startRedis() throws Exception {
        directory = TempFiles.directory("redis-contract");
        server = RedisServerProcess.start(directory);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (server != null) {
            server.close();
        }
        TempFiles.delete(directory);
    }

    @BeforeEach
    void freshAgent() {
        agentId = "agent-" + UUID.randomUUID().toString().substring(0, 8); // fresh keys for every test
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(RedisLeaderLock::close);
    }

    @Override
    protected LeaderLock newNode() {
        RedisLeaderLock lock = new RedisLeaderLock(server.url(), agentId, TIMING);
        nodes.add(lock);
        return lock;
    }

    @Override
    protected String agentId() {
        return agentId;
    }

    @Override
    protected boolean expireCurrentLease() {
        LeaderLock observer = newNode();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> observer.currentHolder().isEmpty());
        return true;
    }
}
