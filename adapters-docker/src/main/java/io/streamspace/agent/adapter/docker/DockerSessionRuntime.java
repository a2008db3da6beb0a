package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Version;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SessionRuntime} on a Docker engine through docker-java.
 *
 * <p>Ownership: every mutating call is scoped by owner labels. An object with the requested name that does not
 * carry all of them is never adopted, changed or removed; the call fails with a {@link RuntimeOperationException}
 * instead.
 *
 * <p>Names are matched exactly: the engine's own name lookup also accepts ID prefixes and its name filter
 * matches substrings, so lookups list by name and compare in Java. Docker 20.10 (API 1.41) lets concurrent
 * creates make several networks of one name; {@link #ensureNetwork} serialises per name in this process and
 * converges on the oldest owned one when another process raced it.
 */
public final class DockerSessionRuntime implements SessionRuntime {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");
    static final String NETWORK_DRIVER = "bridge";
    private static final Comparator<Network> OLDEST_FIRST = Comparator
            .comparing((Network n) -> n.getCreated() == null ? new Date(Long.MAX_VALUE) : n.getCreated())
            .thenComparing(Network::getId);

    private final DockerClients clients;
    private final DockerClient docker;
    private final RuntimeInfo connectedTo;
    /**
     * Serialises ensure/remove per network name within this process (striped; ReentrantLock rather than
     * synchronized so virtual threads do not pin).
     */
    private final ReentrantLock[] nameLocks = new ReentrantLock[64];

    private DockerSessionRuntime(DockerClients clients, RuntimeInfo connectedTo) {
        this.clients = clients;
        this.docker = clients.requests();
        this.connectedTo = connectedTo;
        for (int i = 0; i < nameLocks.length; i++) {
            nameLocks[i] = new ReentrantLock();
        }
    }

    /**
     * Connects: reads the engine's version (which also proves it is reachable) and logs it once.
     *
     * @throws RuntimeOperationException "Cannot reach the Docker engine at ..." when the engine does not answer
     */
    public static DockerSessionRuntime connect(DockerClients clients) {
        Objects.requireNonNull(clients, "clients");
        RuntimeInfo info = readInfo(clients.requests(), clients.dockerHost());
        LOG.info("Docker engine {} (API {}, {}) at {}",
                info.engineVersion(), info.apiVersion(), info.operatingSystem(), clients.dockerHost());
        return new DockerSessionRuntime(clients, info);
    }

    /** What the engine reported when this runtime connected. */
    public RuntimeInfo connectedTo() {
        return connectedTo;
    }

    /** The docker host string this runtime talks to. */
    public String dockerHost() {
        return clients.dockerHost();
    }

    /** Asks the engine again (its version may change when it is upgraded and restarted under us). */
    @Override
    public RuntimeInfo info() {
        return readInfo(docker, clients.dockerHost());
    }

    @Override
    public NetworkRef ensureNetwork(String name, Map<String, String> ownerLabels) {
        requireName(name);
        requireOwnerLabels(ownerLabels);
        ReentrantLock lock = lockFor(name);
        lock.lock();
        try {
            List<Network> existing = listByExactName(name);
            if (!existing.isEmpty()) {
                return converge(name, existing, ownerLabels);
            }
            try {
                call("create network " + name, () -> docker.createNetworkCmd()
                        .withName(name)
                        .withDriver(NETWORK_DRIVER)
                        .withLabels(ownerLabels)
                        .withCheckDuplicate(true)
                        .exec());
            } catch (RuntimeOperationException e) {
                if (!(e.getCause() instanceof ConflictException)) {
                    throw e;
                }
                // Created by someone else between our lookup and our create: judged below like any other.
            }
            // Look again: Docker before API 1.44 does not make CheckDuplicate atomic, so concurrent creators
            // (another process, another agent) can each get a network of the same name.
            return converge(name, listByExactName(name), ownerLabels);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Picks the one network of this name to use. Any same-named network without the owner labels makes the call
     * fail (it is never touched). Among owned duplicates left by a creation race, the oldest wins (ties by id, so
     * every racer picks the same one) and the others are removed when nothing uses them.
     */
    private NetworkRef converge(String name, List<Network> sameName, Map<String, String> ownerLabels) {
        for (Network network : sameName) {
            if (!carries(network, ownerLabels)) {
                throw notOurs(network, ownerLabels);
            }
        }
        if (sameName.isEmpty()) {
            throw new RuntimeOperationException("Network '" + name + "' disappeared from the Docker engine at "
                    + clients.dockerHost() + " right after it was created; something else removes it");
        }
        List<Network> oldestFirst = sameName.stream().sorted(OLDEST_FIRST).toList();
        Network keep = oldestFirst.get(0);
        for (Network duplicate : oldestFirst.subList(1, oldestFirst.size())) {
            try {
                call("remove duplicate network " + name, () -> docker.removeNetworkCmd(duplicate.getId()).exec());
                LOG.info("Removed duplicate network '{}' ({}); keeping {}", name, shortId(duplicate.getId()),
                        shortId(keep.getId()));
            } catch (RuntimeOperationException e) {
                if (!(e.getCause() instanceof NotFoundException)) {
                    LOG.warn("Duplicate network '{}' ({}) stays: {}", name, shortId(duplicate.getId()),
                            e.getMessage());
                }
            }
        }
        return toRef(keep);
    }

    @Override
    public List<NetworkRef> findNetworks(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        List<String> filter = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        List<Network> networks = call("list networks", () -> filter.isEmpty()
                ? docker.listNetworksCmd().exec()
                : docker.listNetworksCmd().withFilter("label", filter).exec());
        return networks.stream()
                .filter(n -> carries(n, labels)) // the engine filtered already; stay correct if one does not
                .map(DockerSessionRuntime::toRef)
                .toList();
    }

    @Override
    public boolean removeNetwork(String name, Map<String, String> ownerLabels) {
        requireName(name);
        requireOwnerLabels(ownerLabels);
        ReentrantLock lock = lockFor(name);
        lock.lock();
        try {
            List<Network> sameName = listByExactName(name);
            for (Network network : sameName) {
                if (!carries(network, ownerLabels)) {
                    throw notOurs(network, ownerLabels);
                }
            }
            boolean removed = false;
            for (Network network : sameName) {
                try {
                    call("remove network " + name, () -> docker.removeNetworkCmd(network.getId()).exec());
                    removed = true;
                } catch (RuntimeOperationException e) {
                    if (!(e.getCause() instanceof NotFoundException)) {
                        throw e; // e.g. "network ... has active endpoints": the engine's message says which
                    }
                }
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Networks named exactly {@code name} (the engine's name filter matches substrings). */
    private List<Network> listByExactName(String name) {
        return call("look up network " + name, () -> docker.listNetworksCmd().withNameFilter(name).exec())
                .stream()
                .filter(n -> name.equals(n.getName()))
                .toList();
    }

    private ReentrantLock lockFor(String name) {
        return nameLocks[Math.floorMod(name.hashCode(), nameLocks.length)];
    }

    private RuntimeOperationException notOurs(Network network, Map<String, String> ownerLabels) {
        return new RuntimeOperationException("Network '" + network.getName() + "' (id " + shortId(network.getId())
                + ") exists but is not managed by this agent: it lacks the owner labels " + ownerLabels
                + " (it has " + labelsOf(network) + "); leaving it untouched. Rename or remove it, or configure"
                + " another network name.");
    }

    private <T> T call(String action, Supplier<T> request) {
        return call(docker, clients.dockerHost(), action, request);
    }

    private static <T> T call(DockerClient docker, String dockerHost, String action, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw DockerErrors.translate(action, dockerHost, e);
        }
    }

    private static RuntimeInfo readInfo(DockerClient docker, String dockerHost) {
        Version version;
        try {
            version = docker.versionCmd().exec();
        } catch (DockerException e) {
            // Something answered HTTP, but not as an engine would to GET /version (e.g. a proxy or a wrong port).
            throw new RuntimeOperationException("Cannot use the Docker engine at " + dockerHost
                    + ": GET /version answered HTTP " + e.getHttpStatus() + " (" + DockerErrors.engineMessage(e)
                    + "); is this really a Docker engine endpoint?", e);
        } catch (RuntimeException e) {
            throw DockerErrors.translate("read the engine version", dockerHost, e);
        }
        return new RuntimeInfo(
                nonBlank(version.getVersion()),
                nonBlank(version.getApiVersion()),
                nonBlank(version.getOperatingSystem()) + "/" + nonBlank(version.getArch()));
    }

    static boolean carries(Network network, Map<String, String> labels) {
        Map<String, String> actual = labelsOf(network);
        return labels.entrySet().stream().allMatch(e -> e.getValue().equals(actual.get(e.getKey())));
    }

    private static Map<String, String> labelsOf(Network network) {
        return network.getLabels() == null ? Map.of() : network.getLabels();
    }

    private static NetworkRef toRef(Network network) {
        return new NetworkRef(network.getId(), network.getName(), Map.copyOf(labelsOf(network)));
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("network name must not be blank");
        }
    }

    private static void requireOwnerLabels(Map<String, String> ownerLabels) {
        if (ownerLabels == null || ownerLabels.isEmpty()) {
            throw new IllegalArgumentException(
                    "owner labels must not be empty: without them every object would count as the agent's own");
        }
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? "unknown" : value;
    }

    private static String shortId(String id) {
        return id == null ? "?" : id.substring(0, Math.min(12, id.length()));
    }
}
