package io.streamspace.agent.application.port.out;

import java.util.Optional;

/**
 * Where the compose-agent token comes from (a file or the environment now, Vault later). Both sides of the local API
 * use it: the agent signs with it, the sidecar verifies with it. A rotated token must become visible without a
 * restart: implementations re-read their source, and {@link #refresh()} asks for that at once (the client calls it
 * after the sidecar refused a signature with 401 or 403).
 */
public interface TokenSource {

    /** The token {@code agentId} signs with, as of now; empty when there is none for it. */
    Optional<String> tokenFor(String agentId);

    /** Re-reads the source now, e.g. after a peer refused our signature. */
    default void refresh() {
    }
}
