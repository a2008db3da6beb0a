package io.streamspace.agent.adapter.docker;

import io.streamspace.agent.application.port.out.SessionRuntime;
import org.junit.jupiter.api.BeforeAll;

/** The {@link SessionRuntime} contract against {@link DockerSessionRuntime} on the real engine. */
class DockerSessionRuntimeContractIT extends DockerEngineSessionRuntimeContract {

    private static DockerSessionRuntime runtime;

    @BeforeAll
    static void connect() {
        runtime = DockerSessionRuntime.connect(clients);
    }

    @Override
    protected SessionRuntime runtime() {
        return runtime;
    }
}
