package io.streamspace.agent.adapter.docker;

import static io.streamspace.agent.adapter.docker.DockerAccess.requireOwnerLabels;
import static io.streamspace.agent.adapter.docker.DockerAccess.shortId;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime.NetworkRef;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Networks of {@link DockerSessionRuntime}. Docker 20.10 (API 1.41) lets concurrent creates make several networks
 * of one name; {@link #ensureNetwork} serialises per name in this process and converges on the oldest owned one
 * when another process raced it.
 */
final class DockerNetworks {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");
    static final String NETWORK_DRIVER = "bridge";
    private static final Comparator<Network> OLDEST_FIRST = Comparator
            .comparing((Network n) -> n.getCreated() == null ? new Date(Long.MAX_VALUE) : n.getCreated())
            .thenComparing(Network::getId);

    /**
     * How long a network this process ensured is taken as still there without asking the engine: every start
     * ensures the session network, and the look-up (under the per-name lock) was one engine call per start, in
     * a storm all of them in a row. A create that finds the network gone ({@link #forgetIfMissing}) and a removal
     * through this runtime drop the entry at once; the bound is how long a network replaced behind the agent's back
     * (only possible while no container uses it) goes unnoticed before the owner check runs again.
     */
    static final long ENSURED_FOR_NANOS = TimeUnit.SECONDS.toNanos(60);

    private record Ensured(NetworkRef network, Map<String, String> ownerLabels, long atNanos) {}

    private final DockerAccess access;
    private final Map<String, Ensured> ensured = new ConcurrentHashMap<>();

    DockerNetworks(DockerAccess access) {
        this.access = access;
    }

    NetworkRef ensureNetwork(String name, Map<String, String> ownerLabels) {
        requireName(name);
        requireOwnerLabels(ownerLabels);
        Ensured known = ensured.get(name);
        if (known != null && known.ownerLabels().equals(ownerLabels)
                && System.nanoTime() - known.atNanos() < ENSURED_FOR_NANOS) {
            return known.network();
        }
        ReentrantLock lock = access.lockFor(name);
        lock.lock();
        try {
            NetworkRef network = lookUpOrCreate(name, ownerLabels);
            ensured.put(name, new Ensured(network, Map.copyOf(ownerLabels), System.nanoTime()));
            return network;
        } finally {
            lock.unlock();
        }
    }

    /**
     * When {@code failure} (of a container create naming network {@code name}) says the network is not on the
     * engine and this process had ensured it, the network is no longer taken as ensured and the owner labels it was
     * ensured with are returned, so the caller can ensure it again. Docker: "network NAME not found"; Podman:
     * "unable to find network with name or ID NAME: network not found".
     */
    Optional<Map<String, String>> forgetIfMissing(String name, RuntimeException failure) {
        Ensured known = ensured.get(name);
        if (known == null) {
            return Optional.empty();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("network") && message.contains(name.toLowerCase(Locale.ROOT))
                    && message.contains("not found")) {
                ensured.remove(name);
                return Optional.of(known.ownerLabels());
            }
        }
        return Optional.empty();
    }

    private NetworkRef lookUpOrCreate(String name, Map<String, String> ownerLabels) {
        List<Network> existing = listByExactName(name);
        if (!existing.isEmpty()) {
            return converge(name, existing, ownerLabels);
        }
        try {
            access.call("create network " + name, () -> access.docker().createNetworkCmd()
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
                    + access.dockerHost() + " right after it was created; something else removes it");
        }
        List<Network> oldestFirst = sameName.stream().sorted(OLDEST_FIRST).toList();
        Network keep = oldestFirst.get(0);
        for (Network duplicate : oldestFirst.subList(1, oldestFirst.size())) {
            try {
                access.call("remove duplicate network " + name,
                        () -> access.docker().removeNetworkCmd(duplicate.getId()).exec());
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

    List<NetworkRef> findNetworks(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        List<String> filter = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        List<Network> networks = access.call("list networks", () -> filter.isEmpty()
                ? access.docker().listNetworksCmd().exec()
                : access.docker().listNetworksCmd().withFilter("label", filter).exec());
        return networks.stream()
                .filter(n -> carries(n, labels)) // the engine filtered already; stay correct if one does not
                .map(DockerNetworks::toRef)
                .toList();
    }

    boolean removeNetwork(String name, Map<String, String> ownerLabels) {
        requireName(name);
        requireOwnerLabels(ownerLabels);
        ReentrantLock lock = access.lockFor(name);
        lock.lock();
        try {
            ensured.remove(name);
            List<Network> sameName = listByExactName(name);
            for (Network network : sameName) {
                if (!carries(network, ownerLabels)) {
                    throw notOurs(network, ownerLabels);
                }
            }
            boolean removed = false;
            for (Network network : sameName) {
                try {
                    access.call("remove network " + name,
                            () -> access.docker().removeNetworkCmd(network.getId()).exec());
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
        return access.call("look up network " + name,
                () -> access.docker().listNetworksCmd().withNameFilter(name).exec())
                .stream()
                .filter(n -> name.equals(n.getName()))
                .toList();
    }

    private static RuntimeOperationException notOurs(Network network, Map<String, String> ownerLabels) {
        return new RuntimeOperationException("Network '" + network.getName() + "' (id " + shortId(network.getId())
                + ") exists but is not managed by this agent: it lacks the owner labels " + ownerLabels
                + " (it has " + labelsOf(network) + "); leaving it untouched. Rename or remove it, or configure"
                + " another network name.");
    }

    static boolean carries(Network network, Map<String, String> labels) {
        return DockerAccess.carries(labelsOf(network), labels);
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
}
