package io.streamspace.agent.adapter.docker.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.DockerException;
import com.sun.net.httpserver.HttpServer;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.compose.StackReads.ListedNetwork;
import io.streamspace.agent.adapter.docker.compose.StackReads.ProjectContainer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stack runtime's tree reads (ADR 0028) against a stub engine on loopback: what is asked, what is read, and the
 * replies that are not what was asked for. The same reads on real Docker and Podman engines: ComposeStackIT.
 */
class StackReadsTest {

    private final List<String> asked = new CopyOnWriteArrayList<>();
    private HttpServer engine;
    private DockerClients clients;

    private void engineAnswers(int status, String body) throws IOException {
        engine = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        engine.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            asked.add(exchange.getRequestURI().getRawPath()
                    + (query == null ? "" : "?" + URLDecoder.decode(query, StandardCharsets.UTF_8)));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        engine.start();
        clients = DockerClients.create("tcp://127.0.0.1:" + engine.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        if (clients != null) {
            clients.close();
        }
        if (engine != null) {
            engine.stop(0);
        }
    }

    @Test
    void containersAreListedByTheirLabelsWithNameStateImageAndLabels() throws IOException {
        engineAnswers(200, """
                [{"Id":"c1","Names":["/p-web-1"],"Image":"busybox","State":"running","Status":"Up 2 minutes",
                  "Labels":{"com.docker.compose.project":"p","com.docker.compose.service":"web"}},
                 {"Id":"c2","Names":[],"Image":"docker.io/library/busybox:latest","State":"exited","Labels":null}]""");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("com.docker.compose.project", "p");
        labels.put("com.docker.compose.oneoff", "False");

        List<ProjectContainer> listed = StackReads.containers(clients, labels);

        assertThat(asked).containsExactly("/containers/json?all=1&filters="
                + "{\"label\":[\"com.docker.compose.project=p\",\"com.docker.compose.oneoff=False\"]}");
        assertThat(listed).containsExactly(
                new ProjectContainer("c1", "p-web-1", "busybox", "running",
                        Map.of("com.docker.compose.project", "p", "com.docker.compose.service", "web")),
                new ProjectContainer("c2", "c2", "docker.io/library/busybox:latest", "exited", Map.of()));
        assertThat(listed.get(0).label("com.docker.compose.service")).isEqualTo("web");
    }

    @Test
    void networksAreListedByOneFilter() throws IOException {
        engineAnswers(200, """
                [{"Name":"p_back","Id":"n1","Driver":"bridge","Labels":{"com.docker.compose.project":"p"}},
                 {"Name":"p_back2","Id":"n2","Labels":{}}]""");

        assertThat(StackReads.networks(clients, "name", "p_back")).containsExactly(
                new ListedNetwork("n1", "p_back", Map.of("com.docker.compose.project", "p")),
                new ListedNetwork("n2", "p_back2", Map.of()));
        assertThat(asked).containsExactly("/networks?filters={\"name\":[\"p_back\"]}");
    }

    @Test
    void aNetworkListThatIsNoListIsAnErrorOfTheEngine() throws IOException {
        engineAnswers(200, "{\"message\":\"page not found\"}");

        assertThatThrownBy(() -> StackReads.networks(clients, "label", "a=b")).isInstanceOf(DockerException.class)
                .hasMessageContaining("is not a list of networks");
    }

    @Test
    void aVolumesLabelsAreReadAndAMissingVolumeIsNull() throws IOException {
        engineAnswers(200, "{\"Name\":\"p_data\",\"Driver\":\"local\",\"Labels\":{\"owner\":\"x\"}}");
        assertThat(StackReads.volumeLabels(clients, "p_data")).isEqualTo(Map.of("owner", "x"));
        stop();
        engine = null;
        engineAnswers(404, "{\"message\":\"get p_data: no such volume\"}");
        assertThat(StackReads.volumeLabels(clients, "p_data")).isNull();
        assertThat(asked).containsExactly("/volumes/p_data", "/volumes/p_data");
    }

    @Test
    void aVolumeNameThatIsNoPathSegmentNamesNoVolumeAndIsNeverAsked() throws IOException {
        engineAnswers(200, "[]");

        assertThat(StackReads.volumeLabels(clients, "x/../../containers/json")).isNull();
        assertThat(StackReads.volumeLabels(clients, "..")).isNull();
        assertThat(asked).isEmpty();
    }

    @Test
    void aReplyThatIsNotTheVolumeAskedForIsAnError() throws IOException {
        engineAnswers(200, "[{\"Id\":\"c1\"}]");

        assertThatThrownBy(() -> StackReads.volumeLabels(clients, "p_data")).isInstanceOf(DockerException.class)
                .hasMessageContaining("is not the volume p_data");
    }
}
