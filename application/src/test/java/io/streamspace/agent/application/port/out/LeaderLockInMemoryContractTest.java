package io.streamspace.agent.application.port.out;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;

/** The {@link LeaderLock} contract against {@link LeaderLockInMemory}. */
class LeaderLockInMemoryContractTest extends LeaderLockContract {

    private static final Duration LEASE = Duration.ofSeconds(15);
    private final AtomicLong clock = new AtomicLong(123_456_789L);
    private LeaderLockInMemory.Backend backend;

    @BeforeEach
    void newBackend() {
        backend = LeaderLockInMemory.Backend.manual("agent-contract", LEASE, clock);
    }

    @Override
    protected LeaderLock newNode() {
        return new LeaderLockInMemory(backend);
    }

    @Override
    protected String agentId() {
        return "agent-contract";
    }

    @Override
    protected boolean expireCurrentLease() {
        clock.addAndGet(LEASE.toNanos());
        return true;
    }
}
