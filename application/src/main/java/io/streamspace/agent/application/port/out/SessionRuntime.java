package io.streamspace.agent.application.port.out;

import java.util.List;
import java.util.Map;

/**
 * The container runtime that hosts sessions (the Docker engine in production, an in-memory fake in tests).
 * Every mutating call is scoped by the owner labels it is given: an implementation must refuse to touch an
 * object that does not carry them.
 */
public interface SessionRuntime {

    /** What the engine says about itself; implementations log it once when they connect. */
    RuntimeInfo info();

    /** Creates the network with these labels unless a network of that name carrying them exists; returns it. */
    NetworkRef ensureNetwork(String name, Map<String, String> ownerLabels);

    /** Networks that carry all of these labels. */
    List<NetworkRef> findNetworks(Map<String, String> labels);

    /**
     * Removes a network the agent owns. Returns false when it is already gone; throws
     * {@link RuntimeOperationException} when it exists but does not carry the owner labels.
     */
    boolean removeNetwork(String name, Map<String, String> ownerLabels);

    record RuntimeInfo(String engineVersion, String apiVersion, String operatingSystem) {}

    record NetworkRef(String id, String name, Map<String, String> labels) {}
}
