package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What the per-object parts of {@link DockerSessionRuntime} share: the engine's clients, the per-name lock
 * striping, error translation, and the owner-label and argument checks.
 */
final class DockerAccess {

    final DockerClients clients;
    /**
     * Serialises ensure/remove per network name within this process (striped; ReentrantLock rather than
     * synchronized so virtual threads do not pin). Volumes and containers use it too, under prefixed names.
     */
    private final ReentrantLock[] nameLocks = new ReentrantLock[64];

    DockerAccess(DockerClients clients) {
        this.clients = clients;
        for (int i = 0; i < nameLocks.length; i++) {
            nameLocks[i] = new ReentrantLock();
        }
    }

    /**
     * The request client (bounded response timeout); long-running calls use {@code clients.streams()}. Asked for
     * at each call, never kept: the client is built on first use (DockerClients), not when the runtime is.
     */
    DockerClient docker() {
        return clients.requests();
    }

    String dockerHost() {
        return clients.dockerHost();
    }

    ReentrantLock lockFor(String name) {
        return nameLocks[Math.floorMod(name.hashCode(), nameLocks.length)];
    }

    /** Runs one engine request, translating any failure into a precise {@link RuntimeOperationException}. */
    <T> T call(String action, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw DockerErrors.translate(action, clients.dockerHost(), e);
        }
    }

    // --- ownership ----------------------------------------------------------------------------------------

    static boolean carries(Map<String, String> actual, Map<String, String> labels) {
        return labels.entrySet().stream().allMatch(e -> e.getValue().equals(actual.get(e.getKey())));
    }

    static RuntimeOperationException notOurs(String kind, String name, Map<String, String> actual,
                                             Map<String, String> ownerLabels, String advice) {
        return new RuntimeOperationException(kind + " '" + name + "' exists but is not managed by this agent: it lacks"
                + " the owner labels " + ownerLabels + " (it has " + actual + "); leaving it untouched, " + advice + ".");
    }

    static void requireOwnerLabels(Map<String, String> ownerLabels) {
        if (ownerLabels == null || ownerLabels.isEmpty()) {
            throw new IllegalArgumentException(
                    "owner labels must not be empty: without them every object would count as the agent's own");
        }
    }

    static List<String> labelFilter(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    // --- small helpers ------------------------------------------------------------------------------------

    static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    static String nonBlank(String value) {
        return value == null || value.isBlank() ? "unknown" : value;
    }

    static String shortId(String id) {
        return id == null ? "?" : id.substring(0, Math.min(12, id.length()));
    }
}
