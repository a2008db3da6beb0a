package io.streamspace.agent.bootstrap.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.adapter.docker.DockerEngineSessionRuntimeContract;
import io.streamspace.agent.adapter.docker.DockerSessionRuntime;
import io.streamspace.agent.adapter.http.sidecar.RemoteSessionRuntime;
import io.streamspace.agent.adapter.http.sidecar.SignedSidecarClient;
import io.streamspace.agent.adapter.http.sidecar.SignedSidecarServer;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.TokenSource;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The {@link SessionRuntime} contract as sidecar mode runs it: {@link RemoteSessionRuntime} → signed local API →
 * {@link SignedSidecarServer} → {@link DockerSessionRuntime} on the real engine. A fresh sidecar per test (its
 * rate limit starts afresh), closed when the next test starts: the contract's own clean-up runs after ours.
 */
class RemoteDockerSessionRuntimeContractIT extends DockerEngineSessionRuntimeContract {

    private static final TokenSource TOKENS = id -> Optional.of("contract-token");

    private static DockerSessionRuntime docker;
    private static SignedSidecarServer server;
    private RemoteSessionRuntime remote;

    @BeforeAll
    static void connect() {
        docker = DockerSessionRuntime.connect(clients);
    }

    @AfterAll
    static void disconnect() {
        closeServer(); // before the base class closes the engine connection
    }

    @BeforeEach
    void startSidecar() throws Exception {
        closeServer();
        server = SignedSidecarServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), docker,
                new RequestVerifier(Map.of("contract-agent", Scope.all()), VerifierLimits.DEFAULTS), TOKENS,
                new ObjectMapper(), Clock.systemUTC());
        remote = new RemoteSessionRuntime(new SignedSidecarClient(URI.create("http://127.0.0.1:" + server.port()),
                "contract-agent", TOKENS, new ObjectMapper(), Clock.systemUTC()));
    }

    private static void closeServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    protected SessionRuntime runtime() {
        return remote;
    }
}
