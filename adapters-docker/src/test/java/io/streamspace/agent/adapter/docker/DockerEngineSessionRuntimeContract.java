package io.streamspace.agent.adapter.docker;

import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntimeContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link SessionRuntime} contract for every runtime that ends on the real Docker engine (directly, or through
 * the sidecar): one engine connection per class, foreign objects made with docker-java, and a start made to fail by
 * publishing on an address no interface has.
 */
public abstract class DockerEngineSessionRuntimeContract extends SessionRuntimeContract {

    /** TEST-NET-1 (RFC 5737): no interface has it, so publishing a port on it makes the start fail. */
    private static final String UNASSIGNABLE_ADDRESS = "192.0.2.1";

    /** The engine connection of the running test class. */
    protected static DockerClients clients;
    private final DockerForeignObjects foreign = new DockerForeignObjects(() -> clients.requests());

    @BeforeAll
    static void connectToTheEngine() {
        clients = DockerClients.create(DockerTestSupport.host());
        DockerTestSupport.requireImage(clients, RUNNING_IMAGE);
        DockerTestSupport.requireImage(clients, EXITING_IMAGE);
    }

    @AfterAll
    static void disconnectFromTheEngine() {
        clients.close();
    }

    @Override
    protected void createForeignNetwork(String name, Map<String, String> labels) {
        foreign.createNetwork(name, labels);
    }

    @Override
    protected void createForeignVolume(String name, Map<String, String> labels) {
        foreign.createVolume(name, labels);
    }

    @Override
    protected void createForeignContainer(String name, Map<String, String> labels) {
        foreign.createContainer(RUNNING_IMAGE, name, labels);
    }

    @Override
    protected void removeForeignObjects() {
        foreign.removeAll();
    }

    @Override
    protected SessionRuntime.ContainerSpec failingToStart(SessionRuntime.ContainerSpec spec) {
        return withHostAddress(spec, UNASSIGNABLE_ADDRESS);
    }
}
