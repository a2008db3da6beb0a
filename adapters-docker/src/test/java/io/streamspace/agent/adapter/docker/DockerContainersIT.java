package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.port.out.SessionRuntime.Mount;
import io.streamspace.agent.application.port.out.SessionRuntime.PortSpec;
import io.streamspace.agent.application.port.out.SessionRuntimeContract;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the Docker adapter hands the engine for a session container, beyond what the port contract can see. */
class DockerContainersIT {

    private DockerClients clients;
    private DockerSessionRuntime runtime;
    private Map<String, String> owner;
    private String name;
    private String network;
    private String volume;

    @BeforeEach
    void connect() {
        clients = DockerClients.create(DockerTestSupport.host());
        DockerTestSupport.requireImage(clients, SessionRuntimeContract.RUNNING_IMAGE);
        runtime = DockerSessionRuntime.connect(clients);
        String id = UUID.randomUUID().toString().substring(0, 8);
        owner = Map.of(DockerTestSupport.TEST_LABEL, "true", "io.streamspace.agent.id", "it-" + id);
        name = "sst-containers-" + id;
        network = name + "-net";
        volume = name + "-home";
    }

    @AfterEach
    void cleanUp() {
        try {
            runtime.removeContainer(name, owner);
            runtime.removeVolume(volume, owner);
            runtime.removeNetwork(network, owner);
        } finally {
            clients.close();
        }
    }

    @Test
    void theEngineGetsLimitsHardeningRestartPolicyNetworkVolumeAndLoopbackPorts() {
        runtime.ensureNetwork(network, owner);
        runtime.ensureVolume(volume, "local", owner);
        ContainerSpec spec = new ContainerSpec(name, SessionRuntimeContract.RUNNING_IMAGE,
                withSession(owner), Map.of("SESSION_ID", "s-1", "USER", "alice"),
                128L * 1024 * 1024, 250_000_000L, network, List.of(new Mount(volume, "/config")),
                List.of(new PortSpec(5900, "TCP")), "127.0.0.1", "unless-stopped", true, 256);

        ContainerState state = runtime.createAndStart(spec);

        InspectContainerResponse engine = clients.requests().inspectContainerCmd(state.id()).exec();
        HostConfig host = engine.getHostConfig();
        assertThat(host.getMemory()).isEqualTo(128L * 1024 * 1024);
        assertThat(host.getNanoCPUs()).isEqualTo(250_000_000L);
        assertThat(host.getPidsLimit()).isEqualTo(256L);
        assertThat(host.getSecurityOpts()).containsExactly("no-new-privileges");
        assertThat(host.getRestartPolicy().getName()).isEqualTo("unless-stopped");
        assertThat(host.getNetworkMode()).isEqualTo(network);
        assertThat(engine.getMounts()).singleElement().satisfies(m -> {
            assertThat(m.getName()).isEqualTo(volume);
            assertThat(m.getDestination().getPath()).isEqualTo("/config");
        });
        assertThat(engine.getConfig().getEnv()).contains("SESSION_ID=s-1", "USER=alice");
        assertThat(engine.getConfig().getLabels()).containsAllEntriesOf(withSession(owner));
        Ports.Binding[] bindings = engine.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(5900));
        assertThat(bindings).singleElement().satisfies(b -> {
            assertThat(b.getHostIp()).isEqualTo("127.0.0.1");
            assertThat(Integer.parseInt(b.getHostPortSpec())).isEqualTo(state.publishedPorts().get(5900));
        });
        assertThat(state.ipAddress()).isEqualTo(
                engine.getNetworkSettings().getNetworks().get(network).getIpAddress());
    }

    @Test
    void thePublishedPortReachesTheContainer() throws Exception {
        ContainerSpec spec = new ContainerSpec(name, SessionRuntimeContract.RUNNING_IMAGE, owner, Map.of(),
                0, 0, "", List.of(), List.of(new PortSpec(5900, null)), "127.0.0.1", "no", true, 0);
        int port = runtime.createAndStart(spec).publishedPorts().get(5900);
        byte[] hello = ("hello " + name + "\n").getBytes(StandardCharsets.UTF_8);

        // nc starts listening a moment after the container starts: retry the whole exchange until it echoes.
        byte[] echoed = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> echo(port, hello), reply -> reply.length == hello.length);

        assertThat(echoed).isEqualTo(hello);
    }

    @Test
    void aMissingImageOrNetworkIsNamedAndNothingIsLeftBehind() {
        ContainerSpec noImage = new ContainerSpec(name, "streamspace-test/never-built:1", owner, Map.of(), 0, 0, "",
                List.of(), List.of(), "127.0.0.1", "no", true, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.createAndStart(noImage))
                .hasMessage("Cannot create container '" + name + "': image streamspace-test/never-built:1 is not present"
                        + " on the Docker engine at " + runtime.dockerHost() + " (pull it first)");
        assertThat(runtime.inspect(name)).isEmpty();

        ContainerSpec noNetwork = new ContainerSpec(name, SessionRuntimeContract.RUNNING_IMAGE, owner, Map.of(), 0, 0,
                network, List.of(), List.of(), "127.0.0.1", "no", true, 0); // network never created
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.createAndStart(noNetwork))
                .hasMessageContaining("container " + name)
                .hasMessageContaining("network " + network + " not found");
        assertThat(runtime.inspect(name)).isEmpty();
    }

    private static byte[] echo(int port, byte[] bytes) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            return in.readNBytes(bytes.length);
        }
    }

    private Map<String, String> withSession(Map<String, String> labels) {
        var all = new java.util.HashMap<>(labels);
        all.put("io.streamspace.session", name);
        return Map.copyOf(all);
    }
}
