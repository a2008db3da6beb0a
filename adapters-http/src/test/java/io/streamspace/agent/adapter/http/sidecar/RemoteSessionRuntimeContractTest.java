package io.streamspace.agent.adapter.http.sidecar;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.application.port.out.InMemorySessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntimeContract;
import io.streamspace.agent.domain.sidecar.RequestVerifier;
import io.streamspace.agent.domain.sidecar.Scope;
import io.streamspace.agent.domain.sidecar.VerifierLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The {@link SessionRuntime} contract through the whole local API: {@link RemoteSessionRuntime} signs, the
 * {@link SignedSidecarServer} verifies and performs the calls on an {@link InMemorySessionRuntime}.
 */
class RemoteSessionRuntimeContractTest extends SessionRuntimeContract {

    private InMemorySessionRuntime engine;
    /**
     * The contract cleans up in its own @AfterEach, which JUnit runs after ours: so a test's sidecar is closed when
     * the next test starts, and the last one after all.
     */
    private static SignedSidecarServer server;
    private RemoteSessionRuntime remote;

    @BeforeEach
    void startSidecar() throws Exception {
        stopLastSidecar();
        engine = new InMemorySessionRuntime()
                .withImage(RUNNING_IMAGE, EXITING_IMAGE)
                .exitImmediately(EXITING_IMAGE, EXITING_CODE);
        var tokens = (io.streamspace.agent.application.port.out.TokenSource) id -> Optional.of("contract-token");
        server = SignedSidecarServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), engine,
                new RequestVerifier(Map.of("agent-under-test", Scope.all()), VerifierLimits.DEFAULTS), tokens,
                new ObjectMapper(), Clock.systemUTC());
        remote = new RemoteSessionRuntime(new SignedSidecarClient(
                URI.create("http://127.0.0.1:" + server.port()), "agent-under-test", tokens, new ObjectMapper(),
                Clock.systemUTC()));
    }

    @AfterAll
    static void stopLastSidecar() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    protected SessionRuntime runtime() {
        return remote;
    }

    @Override
    protected void createForeignNetwork(String name, Map<String, String> labels) {
        engine.addForeignNetwork(name, labels);
    }

    @Override
    protected void createForeignVolume(String name, Map<String, String> labels) {
        engine.addForeignVolume(name, labels);
    }

    @Override
    protected void createForeignContainer(String name, Map<String, String> labels) {
        engine.addForeignContainer(name, RUNNING_IMAGE, labels);
    }

    @Override
    protected void removeForeignObjects() {
        // the fake is thrown away after each test
    }

    @Override
    protected SessionRuntime.ContainerSpec failingToStart(SessionRuntime.ContainerSpec spec) {
        engine.failNextStart("driver failed programming external connectivity: bind: cannot assign requested address");
        return spec;
    }
}
