package io.streamspace.agent.adapter.docker.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.streamspace.agent.adapter.docker.ContainerEngine;
import io.streamspace.agent.adapter.docker.UnixSocketTls;
import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.port.out.LeaderLockUnavailableException;
import io.streamspace.agent.domain.election.FencingEpoch;
import io.streamspace.agent.domain.election.LeaseTiming;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LeaderLock} in the labels of a Docker Swarm service, for replicas on several nodes of one swarm without
 * any other shared store. Needs a <strong>manager</strong> node: only managers read and update services; on a worker
 * or outside a swarm the lock refuses to open with a clear message.
 *
 * <p>Labels of the service's own spec ({@code Spec.Labels}, not the task template's, so no task restarts):
 * <ul>
 *   <li>{@code streamspace.agent.leader.<agentId>}: the leader's instance id;</li>
 *   <li>{@code streamspace.agent.leader.<agentId>.timestamp}: when it acquired or last renewed (ISO-8601 instant of
 *       the writer's clock);</li>
 *   <li>{@code streamspace.agent.epoch.<agentId>}: the fencing epoch, kept after a release.</li>
 * </ul>
 * Every change is a read of the service and an update of its spec with the version read
 * ({@code POST /services/<id>/update?version=N}): the swarm's raft store refuses an update whose version is no longer
 * current ({@code update out of sequence}), so each change is a compare-and-set of the whole label set, and the epoch
 * is incremented in the same update as the acquisition. The spec is sent back exactly as the engine returned it (raw
 * JSON, not docker-java's model, which would drop the fields it does not know and so change the task template).
 *
 * <p><strong>Clocks.</strong> A lease is expired when the reader's wall clock is past the timestamp plus the lease. The
 * hosts of the replicas must therefore agree on the time (NTP) to well within the fencing margin (lease minus renew
 * deadline, 5 s by default): a standby whose clock runs ahead by {@code d} takes over {@code d} early, which is safe
 * while {@code d} is smaller than that margin, since the leader has fenced itself by its renew deadline (measured on
 * its monotonic clock). A leader's own renewals compare its own timestamps, which no skew affects.
 *
 * <p>Epochs never go backwards even if the labels are lost (the service recreated, or its labels overwritten by a
 * {@code docker stack deploy}): a missing epoch starts from the wall clock in milliseconds, and each lock object passes
 * the highest epoch it has seen as a floor. A lock object that has seen an epoch and finds the labels gone puts the
 * lock under {@linkplain #QUARANTINE quarantine} for one lease instead of acquiring, so a leader that did not notice
 * fences itself before anyone else leads (as the Redis backend does when Redis loses its data).
 *
 * <p>Operational notes: every renewal is a service update, so it bumps the service version: a concurrent
 * {@code docker service update} by an operator may fail with {@code update out of sequence} and must be retried, and
 * {@code docker service rollback} rolls back to the spec before the last renewal. Point {@code --swarm-service} at a
 * dedicated service (e.g. one with 0 replicas) to keep the lease apart from the service that runs the agent.
 */
public final class SwarmLeaderLock implements LeaderLock, AutoCloseable {

    public static final String LEADER_LABEL_PREFIX = "streamspace.agent.leader.";
    public static final String TIMESTAMP_LABEL_SUFFIX = ".timestamp";
    public static final String EPOCH_LABEL_PREFIX = "streamspace.agent.epoch.";

    /** The leader label while nobody may lead after the lock labels were lost (not a valid instance id). */
    static final String QUARANTINE = "(quarantine: the service lost the lock labels)";

    /** Read-then-update rounds per call when the service changes between the read and the update. */
    static final int ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String dockerHost;
    private final String service;
    private final String agentId;
    private final String leaderLabel;
    private final String timestampLabel;
    private final String epochLabel;
    private final Duration lease;
    private final Clock clock;
    private final DockerHttpClient http;
    private final DockerClient docker;
    private final AtomicLong highestEpochSeen = new AtomicLong();

    /** The service as read: its id, version, spec (to send back) and the lock's labels. */
    record Snapshot(String serviceId, long version, ObjectNode spec, String holder, Instant renewedAt, long epoch) {

        boolean liveAt(Instant now, Duration lease) {
            return holder != null && renewedAt != null && now.isBefore(renewedAt.plus(lease));
        }

        boolean heldBy(Lease lease) {
            return lease.instanceId().equals(holder) && epoch == lease.epoch().value();
        }
    }

    SwarmLeaderLock(String dockerHost, String service, String agentId, LeaseTiming timing, Clock clock,
                    DockerHttpClient http, DockerClient docker) {
        this.dockerHost = dockerHost;
        this.service = service;
        this.agentId = agentId;
        this.leaderLabel = LEADER_LABEL_PREFIX + agentId;
        this.timestampLabel = leaderLabel + TIMESTAMP_LABEL_SUFFIX;
        this.epochLabel = EPOCH_LABEL_PREFIX + agentId;
        this.lease = timing.lease();
        this.clock = clock;
        this.http = http;
        this.docker = docker;
    }

    /**
     * Opens the lock on a manager node, checking that the service exists.
     *
     * @param dockerHost the engine, {@code unix:///var/run/docker.sock} or {@code tcp://host:port}
     * @param service    the service whose labels hold the lease (name or id), or null for the service this process
     *                   runs in
     * @throws LeaderLockUnavailableException when the engine cannot be reached, is not a swarm manager, or the service
     *                                        is not named and cannot be found, or does not exist
     */
    public static SwarmLeaderLock open(String dockerHost, String service, String agentId, LeaseTiming timing) {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .build();
        Duration timeout = timeout(timing);
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(UnixSocketTls.forHost(dockerHost, config.getSSLConfig()))
                .maxConnections(4)
                .connectionTimeout(timeout)
                .responseTimeout(timeout)
                .build();
        DockerClient docker = DockerClientImpl.getInstance(config, http);
        try {
            requireManager(dockerHost, docker);
            String target = service;
            if (target == null || target.isBlank()) {
                target = OwnSwarmService.find(docker, OwnSwarmService.candidateContainerIds())
                        .orElseThrow(() -> new LeaderLockUnavailableException("The swarm leader election backend"
                                + " needs the service whose labels hold the lease: set --swarm-service (SWARM_SERVICE),"
                                + " or run the agent as a task of a swarm service (this process is not in one)"));
            }
            SwarmLeaderLock lock = new SwarmLeaderLock(dockerHost, target, agentId, timing, Clock.systemUTC(), http,
                    docker);
            lock.read();
            LOG.info("Swarm leader lock of agent {} in the labels of service {} (lease {} ms)", agentId, target,
                    timing.lease().toMillis());
            return lock;
        } catch (RuntimeException e) {
            closeQuietly(docker);
            throw e instanceof LeaderLockUnavailableException ? e
                    : new LeaderLockUnavailableException("Cannot reach Docker at " + dockerHost + ": " + rootMessage(e), e);
        }
    }

    /** Connect and response timeout: at most the retry period and a quarter of the renew deadline, at least 1 s. */
    static Duration timeout(LeaseTiming timing) {
        Duration quarter = timing.renewDeadline().dividedBy(4);
        Duration shorter = quarter.compareTo(timing.retry()) < 0 ? quarter : timing.retry();
        return shorter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : shorter;
    }

    /** Podman names itself in GET /version; an engine that cannot answer it is judged by /info alone. */
    private static boolean isPodman(DockerClient docker) {
        try {
            return ContainerEngine.of(docker.versionCmd().exec()) == ContainerEngine.PODMAN;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static void requireManager(String dockerHost, DockerClient docker) {
        SwarmInfo swarm;
        try {
            if (isPodman(docker)) {
                throw new LeaderLockUnavailableException("The swarm leader election backend needs a Docker swarm"
                        + " manager, but " + dockerHost + " is Podman, which has no swarm mode: use"
                        + " --leader-election-backend redis (several hosts) or file (one host)");
            }
            swarm = docker.infoCmd().exec().getSwarm();
        } catch (LeaderLockUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LeaderLockUnavailableException("Cannot reach Docker at " + dockerHost + ": " + rootMessage(e), e);
        }
        SwarmManagerCheck.refusal(swarm).ifPresent(message -> {
            throw new LeaderLockUnavailableException(message);
        });
    }

    @Override
    public Optional<Lease> tryAcquire(String instanceId) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Snapshot current = read();
            Instant now = clock.instant();
            if (current.liveAt(now, lease)) {
                return Optional.empty(); // held (by another instance, an earlier lease of ours, or the quarantine)
            }
            long floor = highestEpochSeen.get();
            boolean labelsLost = current.epoch() == 0;
            long base = Math.max(floor, labelsLost ? now.toEpochMilli() : current.epoch());
            if (labelsLost && floor > 0) {
                LOG.warn("The lock labels of agent {} are gone from service {} although epoch {} was seen: nobody"
                        + " leads for one lease ({} ms) so that a leader that missed it fences itself first", agentId,
                        service, floor, lease.toMillis());
                update(current, labels -> {
                    labels.put(leaderLabel, QUARANTINE);
                    labels.put(timestampLabel, now.toString());
                    labels.put(epochLabel, Long.toString(base));
                });
                return Optional.empty();
            }
            long epoch = base + 1;
            if (update(current, labels -> {
                labels.put(leaderLabel, instanceId);
                labels.put(timestampLabel, now.toString());
                labels.put(epochLabel, Long.toString(epoch));
            })) {
                highestEpochSeen.accumulateAndGet(epoch, Math::max);
                return Optional.of(new Lease(agentId, instanceId, FencingEpoch.of(epoch)));
            }
        }
        return Optional.empty(); // the service kept changing: contended, try again next period
    }

    @Override
    public boolean renew(Lease lease) {
        requireOurAgent(lease);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Snapshot current = read();
            Instant now = clock.instant();
            if (!current.heldBy(lease) || !current.liveAt(now, this.lease)) {
                return false;
            }
            if (update(current, labels -> labels.put(timestampLabel, now.toString()))) {
                return true;
            }
        }
        throw new LeaderLockUnavailableException("Cannot renew the leader lock in the labels of swarm service " + service
                + ": the service changed under " + ATTEMPTS + " updates in a row");
    }

    @Override
    public void release(Lease lease) {
        requireOurAgent(lease);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Snapshot current = read();
            if (!current.heldBy(lease)) {
                return;
            }
            if (update(current, labels -> {
                labels.remove(leaderLabel);
                labels.remove(timestampLabel);
            })) {
                return;
            }
        }
        throw new LeaderLockUnavailableException("Cannot release the leader lock in the labels of swarm service "
                + service + ": the service changed under " + ATTEMPTS + " updates in a row");
    }

    @Override
    public Optional<String> currentHolder() {
        Snapshot current = read();
        return current.liveAt(clock.instant(), lease) && !QUARANTINE.equals(current.holder())
                ? Optional.of(current.holder()) : Optional.empty();
    }

    /** The service whose labels hold the lease, as configured or found. */
    public String service() {
        return service;
    }

    @Override
    public void close() {
        closeQuietly(docker);
    }

    @Override
    public String toString() {
        return "Swarm leader lock of " + agentId + " in the labels of service " + service + " at " + dockerHost;
    }

    // Reading and updating the service

    Snapshot read() {
        JsonNode root;
        try (DockerHttpClient.Response response = execute(DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path("/services/" + service)
                .build())) {
            byte[] body = readBody(response.getBody());
            int status = response.getStatusCode();
            if (status == 404) {
                throw new LeaderLockUnavailableException("The swarm service '" + service + "' that holds the leader"
                        + " lock does not exist (--swarm-service): " + message(body));
            }
            if (status != 200) {
                throw new LeaderLockUnavailableException("Docker at " + dockerHost + " refused to read swarm service '"
                        + service + "' (HTTP " + status + "): " + message(body));
            }
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new LeaderLockUnavailableException("Cannot read swarm service '" + service + "' from Docker at "
                    + dockerHost + ": " + rootMessage(e), e);
        }
        if (!(root.path("Spec") instanceof ObjectNode spec) || !root.path("Version").path("Index").canConvertToLong()) {
            throw new LeaderLockUnavailableException("Docker at " + dockerHost + " answered swarm service '" + service
                    + "' without a spec or version");
        }
        JsonNode labels = spec.path("Labels");
        long epoch = 0;
        try {
            epoch = Math.max(0, Long.parseLong(labels.path(epochLabel).asText("")));
        } catch (NumberFormatException e) {
            // missing or edited by hand: treated as lost, see tryAcquire
        }
        highestEpochSeen.accumulateAndGet(epoch, Math::max);
        String holder = labels.path(leaderLabel).isTextual() ? labels.path(leaderLabel).asText() : null;
        Instant renewedAt = null;
        try {
            renewedAt = labels.path(timestampLabel).isTextual() ? Instant.parse(labels.path(timestampLabel).asText())
                    : null;
        } catch (DateTimeParseException e) {
            // unreadable: the holder counts as expired
        }
        return new Snapshot(root.path("ID").asText(), root.path("Version").path("Index").asLong(), spec,
                holder == null || holder.isBlank() ? null : holder, renewedAt, epoch);
    }

    /**
     * Updates the service's labels as compare-and-set on the version read.
     *
     * @return true when written, false when the service changed since it was read
     */
    boolean update(Snapshot read, Consumer<ObjectNode> changeLabels) {
        ObjectNode spec = read.spec().deepCopy();
        ObjectNode labels = spec.path("Labels") instanceof ObjectNode existing ? existing : spec.putObject("Labels");
        changeLabels.accept(labels);
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(spec);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a service spec", e);
        }
        try (DockerHttpClient.Response response = execute(DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path("/services/" + read.serviceId() + "/update?version=" + read.version())
                .putHeader("Content-Type", "application/json")
                .bodyBytes(body)
                .build())) {
            byte[] answer = readBody(response.getBody());
            int status = response.getStatusCode();
            if (status == 200) {
                return true;
            }
            String message = message(answer);
            if (isVersionConflict(status, message)) {
                LOG.debug("Swarm service {} changed since version {} was read: the leader lock update is refused ({})",
                        service, read.version(), message);
                return false;
            }
            throw new LeaderLockUnavailableException("Docker at " + dockerHost + " refused to update the labels of"
                    + " swarm service '" + service + "' (HTTP " + status + "): " + message);
        }
    }

    /**
     * Docker 20.10 answers an update with a stale version with HTTP 500
     * {@code rpc error: code = Unknown desc = update out of sequence}; later engines may use another status.
     */
    static boolean isVersionConflict(int status, String message) {
        return status == 409 || message.contains("update out of sequence");
    }

    private DockerHttpClient.Response execute(DockerHttpClient.Request request) {
        try {
            return http.execute(request);
        } catch (RuntimeException e) {
            throw new LeaderLockUnavailableException("Cannot reach Docker at " + dockerHost + ": " + rootMessage(e), e);
        }
    }

    private byte[] readBody(InputStream body) {
        try {
            return body == null ? new byte[0] : body.readAllBytes();
        } catch (IOException e) {
            throw new LeaderLockUnavailableException("Cannot read Docker's answer at " + dockerHost + ": "
                    + rootMessage(e), e);
        }
    }

    private static String message(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.path("message").isTextual()) {
                return node.path("message").asText();
            }
        } catch (IOException e) {
            // not JSON: the text itself
        }
        return new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    private void requireOurAgent(Lease lease) {
        if (!lease.agentId().equals(agentId)) {
            throw new IllegalArgumentException("a lease of agent " + lease.agentId() + " given to the lock of " + agentId);
        }
    }

    private static void closeQuietly(DockerClient docker) {
        try {
            docker.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the swarm leader lock's Docker client failed: {}", e.toString());
        }
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
