package io.streamspace.agent.bootstrap.wiring;

import io.streamspace.agent.application.port.out.SessionRuntime;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Which engine serves the sessions ({@code docker} or {@code podman}), as last detected when leading began (at
 * start without HA, at each term with HA), directly or through the compose-agent in sidecar mode. The status API's
 * {@code /capabilities} shows it; it is never looked up on a request (a standby must not touch the engine).
 */
@Singleton
public final class EngineIdentity {

    private volatile String runtime;

    @Inject
    public EngineIdentity() {
    }

    /** Remembers what the engine said about itself; a null info (engine not reached) changes nothing. */
    public void record(SessionRuntime.RuntimeInfo info) {
        if (info != null && info.runtime() != null && !info.runtime().isBlank()) {
            runtime = info.runtime();
        }
    }

    public Optional<String> runtime() {
        return Optional.ofNullable(runtime);
    }
}
