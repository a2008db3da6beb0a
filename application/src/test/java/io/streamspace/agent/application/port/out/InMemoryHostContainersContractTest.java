package io.streamspace.agent.application.port.out;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/** The {@link HostContainers} contract against {@link InMemoryHostContainers}. */
class InMemoryHostContainersContractTest extends HostContainersContract<InMemoryHostContainers> {

    private static final String IMAGE = "streamspace-test/busybox:latest";
    private InMemoryHostContainers host;

    @BeforeEach
    void newEngine() {
        host = new InMemoryHostContainers(new InMemorySessionRuntime().withImage(IMAGE));
    }

    @Override
    protected InMemoryHostContainers host() {
        return host;
    }

    @Override
    protected String image() {
        return IMAGE;
    }

    @Override
    protected void createRunning(String name, Map<String, String> labels, List<String> environment,
                                 List<String> lines) {
        Map<String, String> env = new LinkedHashMap<>();
        environment.forEach(e -> env.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1)));
        host.runtime().createAndStart(new SessionRuntime.ContainerSpec(name, IMAGE, labels, env, 0, 0, "", List.of(),
                List.of(), "127.0.0.1", "no", false, 0));
        lines.forEach(line -> host.writeLog(name, line));
    }

    @Override
    protected void removeCreated() {
        // the fake is thrown away after each test
    }
}
