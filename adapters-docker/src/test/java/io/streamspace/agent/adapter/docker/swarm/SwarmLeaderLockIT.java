package io.streamspace.agent.adapter.docker.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.application.port.out.LeaderLock.Lease;
import io.streamspace.agent.application.port.out.LeaderLockUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the swarm lock does to the service beyond the port contract: CAS, no restarts, races, lost labels. */
@Timeout(180)
@ExtendWith(LocalSwarm.class)
class SwarmLeaderLockIT {

    private DockerClients clients;
    private DockerClient docker;
    private final List<String> services = new ArrayList<>();
    private final List<SwarmLeaderLock> locks = new ArrayList<>();
    private String agentId;

    @BeforeEach
    void connect() {
        clients = DockerClients.create(LocalSwarm.host());
        docker = clients.requests();
        agentId = "agent-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void cleanUp() {
        locks.forEach(SwarmLeaderLock::close);
        services.forEach(service -> LocalSwarm.removeService(docker, service));
        clients.close();
    }

    private String service(int replicas) {
        String name = LocalSwarm.createService(docker, "swarm-it", replicas);
        services.add(name);
        return name;
    }

    private SwarmLeaderLock lock(String service) {
        SwarmLeaderLock lock = SwarmLeaderLock.open(LocalSwarm.host(), service, agentId, SwarmLeaderLockContractIT.TIMING);
        locks.add(lock);
        return lock;
    }

    @Test
    void anUpdateWithAStaleVersionIsRefusedSoEveryChangeIsACompareAndSet() {
        SwarmLeaderLock lock = lock(service(0));
        SwarmLeaderLock.Snapshot read = lock.read();

        assertThat(lock.update(read, labels -> labels.put("streamspace.test.cas", "first"))).isTrue();
        assertThat(lock.update(read, labels -> labels.put("streamspace.test.cas", "second")))
                .as("same version again: 'update out of sequence'").isFalse();

        SwarmLeaderLock.Snapshot after = lock.read();
        assertThat(after.version()).isGreaterThan(read.version());
        assertThat(after.spec().path("Labels").path("streamspace.test.cas").asText()).isEqualTo("first");
    }

    @Test
    void theLabelsAreWrittenWithoutTouchingTheTaskTemplateSoNoTaskRestarts() {
        String service = service(1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> runningTasks(service).size() == 1);
        Task task = runningTasks(service).get(0);
        String containerId = task.getStatus().getContainerStatus().getContainerID();
        String startedAt = docker.inspectContainerCmd(containerId).exec().getState().getStartedAt();
        SwarmLeaderLock lock = lock(service);
        SwarmLeaderLock.Snapshot before = lock.read();

        Lease lease = lock.tryAcquire("instance-a").orElseThrow();
        assertThat(lock.renew(lease)).isTrue();
        assertThat(lock.renew(lease)).isTrue();
        lock.release(lease);

        SwarmLeaderLock.Snapshot after = lock.read();
        assertThat(after.version()).as("four updates").isGreaterThan(before.version());
        assertThat(after.spec().path("TaskTemplate")).isEqualTo(before.spec().path("TaskTemplate"));
        assertThat(after.spec().path("Labels").path(SwarmLeaderLock.EPOCH_LABEL_PREFIX + agentId).asLong())
                .isEqualTo(lease.epoch().value());
        assertThat(after.spec().path("Labels").has(SwarmLeaderLock.LEADER_LABEL_PREFIX + agentId)).isFalse();
        assertThat(after.spec().path("Labels").path(LocalSwarm.TEST_LABEL).asText()).isEqualTo("true");
        // the orchestrator reacts asynchronously: the same single task must keep running for a while
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    List<Task> tasks = docker.listTasksCmd().withServiceFilter(service).exec();
                    return tasks.size() == 1 && tasks.get(0).getId().equals(task.getId())
                            && tasks.get(0).getStatus().getState() == TaskState.RUNNING;
                });
        assertThat(docker.inspectContainerCmd(containerId).exec().getState().getStartedAt()).isEqualTo(startedAt);
    }

    @Test
    void twoLocksRacingForOneServiceNeverBothAcquire() throws Exception {
        String service = service(0);
        SwarmLeaderLock a = lock(service);
        SwarmLeaderLock b = lock(service);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            long lastEpoch = 0;
            for (int round = 0; round < 8; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Optional<Lease>> first = pool.submit(() -> {
                    start.await();
                    return a.tryAcquire("instance-a");
                });
                Future<Optional<Lease>> second = pool.submit(() -> {
                    start.await();
                    return b.tryAcquire("instance-b");
                });
                Optional<Lease> leaseA = first.get();
                Optional<Lease> leaseB = second.get();

                assertThat(leaseA.isPresent() ^ leaseB.isPresent()).as("round %d: exactly one acquires", round).isTrue();
                Lease winner = leaseA.orElseGet(leaseB::orElseThrow);
                assertThat(a.currentHolder()).contains(winner.instanceId());
                assertThat(winner.epoch().value()).isGreaterThan(lastEpoch);
                lastEpoch = winner.epoch().value();
                (leaseA.isPresent() ? a : b).release(winner);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void lostLabelsPutTheLockUnderQuarantineForOneLeaseAndEpochsStillGrow() {
        String service = service(0);
        SwarmLeaderLock a = lock(service);
        Lease lease = a.tryAcquire("instance-a").orElseThrow();
        // e.g. a 'docker stack deploy' that rewrites the service's labels
        SwarmLeaderLock.Snapshot read = a.read();
        assertThat(a.update(read, labels -> labels.retain(List.of(LocalSwarm.TEST_LABEL)))).isTrue();

        assertThat(a.renew(lease)).as("the leader learns its term is over").isFalse();
        assertThat(a.tryAcquire("instance-a")).as("a node that saw an epoch does not acquire lost labels").isEmpty();
        SwarmLeaderLock fresh = lock(service);
        assertThat(fresh.currentHolder()).isEmpty();
        assertThat(fresh.tryAcquire("instance-b")).as("quarantined for one lease").isEmpty();

        Lease next = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> fresh.tryAcquire("instance-b"), Optional::isPresent).orElseThrow();
        assertThat(next.epoch()).isGreaterThan(lease.epoch());
    }

    @Test
    void theServiceOfOurOwnContainerIsFoundFromItsSwarmLabel() {
        String service = service(1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> runningTasks(service).size() == 1);
        String containerId = runningTasks(service).get(0).getStatus().getContainerStatus().getContainerID();

        assertThat(OwnSwarmService.find(docker, List.of("0".repeat(64), containerId))).contains(service);
        assertThat(OwnSwarmService.find(docker, List.of("0".repeat(64)))).isEmpty();
    }

    @Test
    void aMissingServiceIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> lock("sst-no-such-service-" + agentId))
                .isInstanceOf(LeaderLockUnavailableException.class)
                .hasMessageContaining("'sst-no-such-service-" + agentId + "'")
                .hasMessageContaining("does not exist");
    }

    @Test
    void theLockLivesInTheServiceLabelsOperatorsCanRead() {
        String service = service(0);
        SwarmLeaderLock lock = lock(service);
        Lease lease = lock.tryAcquire("instance-a").orElseThrow();

        JsonNode labels = lock.read().spec().path("Labels");

        assertThat(labels.path("streamspace.agent.leader." + agentId).asText()).isEqualTo("instance-a");
        assertThat(labels.path("streamspace.agent.leader." + agentId + ".timestamp").asText()).isNotBlank();
        assertThat(labels.path("streamspace.agent.epoch." + agentId).asLong()).isEqualTo(lease.epoch().value());
        assertThat(lock.service()).isEqualTo(service);
    }

    private List<Task> runningTasks(String service) {
        return docker.listTasksCmd().withServiceFilter(service).exec().stream()
                .filter(task -> task.getStatus() != null && task.getStatus().getState() == TaskState.RUNNING
                        && task.getStatus().getContainerStatus() != null
                        && task.getStatus().getContainerStatus().getContainerID() != null)
                .toList();
    }
}
