package io.streamspace.agent.adapter.docker.swarm;

import static org.awaitility.Awaitility.await;

import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.port.out.LeaderLockContract;
import io.streamspace.agent.domain.election.LeaseTiming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link LeaderLock} contract against {@link SwarmLeaderLock} on a single-node swarm of the local engine: one
 * service of 0 replicas holds the labels, each test locks a fresh agent id.
 */
@Timeout(120)
@ExtendWith(LocalSwarm.class)
class SwarmLeaderLockContractIT extends LeaderLockContract {

    /** A short lease so the expiry test waits for the real lease, not a simulation of it. */
    static final LeaseTiming TIMING = new LeaseTiming(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(500));

    private static DockerClients clients;
    private static String service;

    private final List<SwarmLeaderLock> nodes = new ArrayList<>();
    private String agentId;

    @BeforeAll
    static void createService() {
        clients = DockerClients.create(LocalSwarm.host());
        service = LocalSwarm.createService(clients.requests(), "swarm-lock", 0);
    }

    @AfterAll
    static void removeService() {
        if (clients != null) {
            LocalSwarm.removeService(clients.requests(), service);
            clients.close();
        }
    }

    @BeforeEach
    void freshAgent() {
        agentId = "agent-" + UUID.randomUUID().toString().substring(0, 8); // fresh labels for every test
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(SwarmLeaderLock::close);
    }

    @Override
    protected LeaderLock newNode() {
        SwarmLeaderLock lock = SwarmLeaderLock.open(LocalSwarm.host(), service, agentId, TIMING);
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
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> observer.currentHolder().isEmpty());
        return true;
    }
}
