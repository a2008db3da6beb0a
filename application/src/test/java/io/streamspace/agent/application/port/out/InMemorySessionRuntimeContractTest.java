package io.streamspace.agent.application.port.out;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/** The {@link SessionRuntime} contract against {@link InMemorySessionRuntime}. */
class InMemorySessionRuntimeContractTest extends SessionRuntimeContract {

    private InMemorySessionRuntime runtime;

    @BeforeEach
    void newRuntime() {
        runtime = new InMemorySessionRuntime()
                .withImage(RUNNING_IMAGE, EXITING_IMAGE)
                .exitImmediately(EXITING_IMAGE, EXITING_CODE);
    }

    @Override
    protected SessionRuntime runtime() {
        return runtime;
    }

    @Override
    protected void createForeignNetwork(String name, Map<String, String> labels) {
        runtime.addForeignNetwork(name, labels);
    }

    @Override
    protected void createForeignVolume(String name, Map<String, String> labels) {
        runtime.addForeignVolume(name, labels);
    }

    @Override
    protected void createForeignContainer(String name, Map<String, String> labels) {
        runtime.addForeignContainer(name, RUNNING_IMAGE, labels);
    }

    @Override
    protected void removeForeignObjects() {
        // the fake is thrown away after each test
    }

    @Override
    protected SessionRuntime.ContainerSpec failingToStart(SessionRuntime.ContainerSpec spec) {
        runtime.failNextStart("driver failed programming external connectivity: bind: cannot assign requested address");
        return spec;
    }
}
