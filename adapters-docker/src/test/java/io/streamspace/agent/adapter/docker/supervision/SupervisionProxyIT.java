package io.streamspace.agent.adapter.docker.supervision;

import static io.streamspace.agent.adapter.docker.supervision.SupervisionTestContainers.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.adapter.docker.DockerClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watchdog's socket proxy on the real engine: the supervision adapter works through it for the named container
 * (lookup, inspect, logs, restart), and everything else, including the same operations on another container, is
 * refused before it reaches the engine.
 */
class SupervisionProxyIT {

    private final SupervisionTestContainers containers = new SupervisionTestContainers();
    private SupervisionProxy proxy;
    private String supervised;
    private String other;

    @BeforeEach
    void start() throws IOException {
        supervised = uniqueName("proxied");
        other = uniqueName("other");
        containers.start(supervised, SupervisionTestContainers.BUSYBOX_IMAGE, Map.of(), "sh", "-c",
                "echo started; sleep 600");
        containers.start(other, SupervisionTestContainers.BUSYBOX_IMAGE, Map.of(), "sleep", "600");
        proxy = SupervisionProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Path.of("/var/run/docker.sock"), Set.of(supervised));
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        containers.close();
    }

    @Test
    void theWatchdogsAdapterInspectsReadsLogsAndRestartsTheSupervisedContainerThroughTheProxy() {
        try (DockerClients throughProxy = DockerClients.create("tcp://127.0.0.1:" + proxy.port())) {
            DockerContainerSupervision supervision = new DockerContainerSupervision(throughProxy, Duration.ofSeconds(1));
            assertThat(supervision.inspect(supervised).orElseThrow().running()).isTrue();
            assertThat(supervision.lastLogLines(supervised, 5)).contains("started");
            String startedBefore = startedAt(supervised);
            supervision.restart(supervised);
            assertThat(startedAt(supervised)).isNotEqualTo(startedBefore);
            assertThat(supervision.inspect(supervised).orElseThrow().running()).isTrue();
            assertThatThrownBy(() -> supervision.inspect(other)).hasMessageContaining("403");
            assertThatThrownBy(() -> supervision.restart(other)).hasMessageContaining("403");
        }
    }

    @Test
    void everythingElseIsRefusedBeforeItReachesTheEngine() throws IOException {
        String otherId = containers.clients.requests().inspectContainerCmd(other).exec().getId();
        String exact = URLEncoder.encode("{\"name\":[\"^/" + supervised + "$\"]}", StandardCharsets.UTF_8);
        String broad = URLEncoder.encode("{\"name\":[\"" + supervised + "\"]}", StandardCharsets.UTF_8);
        assertThat(status("GET", "/_ping")).isEqualTo(200);
        assertThat(status("GET", "/v1.41/version")).isEqualTo(200);
        assertThat(status("GET", "/health")).isEqualTo(200);
        assertThat(status("GET", "/v1.41/containers/json?all=1&filters=" + exact)).isEqualTo(200);
        assertThat(status("GET", "/v1.41/containers/" + supervised + "/json")).isEqualTo(200);

        assertThat(status("GET", "/v1.41/containers/json")).isEqualTo(403);
        assertThat(status("GET", "/v1.41/containers/json?filters=" + broad)).isEqualTo(403);
        assertThat(status("GET", "/v1.41/containers/" + otherId + "/json")).isEqualTo(403);
        assertThat(status("POST", "/v1.41/containers/" + other + "/restart")).isEqualTo(403);
        assertThat(status("POST", "/v1.41/containers/" + supervised + "/kill")).isEqualTo(403);
        assertThat(status("DELETE", "/v1.41/containers/" + supervised)).isEqualTo(403);
        assertThat(status("POST", "/v1.41/containers/create")).isEqualTo(403);
        assertThat(status("GET", "/v1.41/containers/" + supervised + "/../../images/json")).isEqualTo(403);
        assertThat(status("GET", "/v1.41/images/json")).isEqualTo(403);
        assertThat(status("POST", "/v1.41/containers/" + supervised + "/json")).isEqualTo(403);
        // the refused operations changed nothing
        assertThat(containers.clients.requests().inspectContainerCmd(supervised).exec().getState().getRunning())
                .isTrue();
    }

    @Test
    void aSecondRequestOnTheSameConnectionNeverReachesTheEngine() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n"
                    + "DELETE /containers/" + other + "?force=1 HTTP/1.1\r\nHost: docker\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200").doesNotContain("204 No Content");
        }
        assertThat(containers.clients.requests().inspectContainerCmd(other).exec().getState().getRunning()).isTrue();
    }

    private String startedAt(String name) {
        return containers.clients.requests().inspectContainerCmd(name).exec().getState().getStartedAt();
    }

    private int status(String method, String target) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: docker\r\nContent-Length: 0"
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
