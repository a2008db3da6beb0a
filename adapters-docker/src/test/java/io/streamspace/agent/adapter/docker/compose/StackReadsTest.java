package io.streamspace.agent.adapter.docker.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.DockerException;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.StubDockerEngine;
import io.streamspace.agent.adapter.docker.compose.StackReads.ListedNetwork;
import io.streamspace.agent.adapter.docker.compose.StackReads.ProjectContainer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stack runtime's tree reads (ADR 0028) against a stub engine on loopback: what is asked, what is read, and the
 * replies that are not what was asked for. The same reads on real Docker and Podman engines: ComposeStackIT.
 */
class StackReadsTest {

    private StubDockerEngine engine;
    private DockerClients clients;

    private void engineAnswers(int status, String body) {
        if (engine != null) {
            engine.close();
        }
        engine = StubDockerEngine.answering(status, "application/json", body);
        clients = engine.clients();
    }

    /** What the engine was asked so far, the query decoded. */
    private List<String> asked() {
        return engine.asked().stream().map(request -> URLDecoder.decode(request, StandardCharsets.UTF_8)).toList();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void containersAreListedByTheirLabelsWithNameStateImageAndLabels() {
        engineAnswers(200, """
                [{"Id":"c1","Names":["/p-web-1"],"Image":"busybox","State":"running","Status":"Up 2 minutes",
                  "Labels":{"com.docker.compose.project":"p","com.docker.compose.service":"web"}},
                 {"Id":"c2","Names":[],"Image":"docker.io/library/busybox:latest","State":"exited","Labels":null}]""");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("com.docker.compose.project", "p");
        labels.put("com.docker.compose.oneoff", "False");

        List<ProjectContainer> listed = StackReads.containers(clients, labels);

        assertThat(asked()).containsExactly("GET /containers/json?all=1&filters="
                + "{\"label\":[\"com.docker.compose.project=p\",\"com.docker.compose.oneoff=False\"]}");
        assertThat(listed).containsExactly(
                new ProjectContainer("c1", "p-web-1", "busybox", "running",
                        Map.of("com.docker.compose.project", "p", "com.docker.compose.service", "web")),
                new ProjectContainer("c2", "c2", "docker.io/library/busybox:latest", "exited", Map.of()));
        assertThat(listed.get(0).label("com.docker.compose.service")).isEqualTo("web");
    }

    @Test
    void networksAreListedByOneFilter() {
        engineAnswers(200, """
                [{"Name":"p_back","Id":"n1","Driver":"bridge","Labels":{"com.docker.compose.project":"p"}},
                 {"Name":"p_back2","Id":"n2","Labels":{}}]""");

        assertThat(StackReads.networks(clients, "name", "p_back")).containsExactly(
                new ListedNetwork("n1", "p_back", Map.of("com.docker.compose.project", "p")),
                new ListedNetwork("n2", "p_back2", Map.of()));
        assertThat(asked()).containsExactly("GET /networks?filters={\"name\":[\"p_back\"]}");
    }

    @Test
    void aNetworkListThatIsNoListIsAnErrorOfTheEngine() {
        engineAnswers(200, "{\"message\":\"page not found\"}");

        assertThatThrownBy(() -> StackReads.networks(clients, "label", "a=b")).isInstanceOf(DockerException.class)
                .hasMessageContaining("is not a list of networks");
    }

    @Test
    void aVolumesLabelsAreReadAndAMissingVolumeIsNull() {
        engineAnswers(200, "{\"Name\":\"p_data\",\"Driver\":\"local\",\"Labels\":{\"owner\":\"x\"}}");
        assertThat(StackReads.volumeLabels(clients, "p_data")).isEqualTo(Map.of("owner", "x"));
        assertThat(asked()).containsExactly("GET /volumes/p_data");
        engineAnswers(404, "{\"message\":\"get p_data: no such volume\"}");
        assertThat(StackReads.volumeLabels(clients, "p_data")).isNull();
        assertThat(asked()).containsExactly("GET /volumes/p_data");
    }

    @Test
    void aVolumeNameThatIsNoPathSegmentNamesNoVolumeAndIsNeverAsked() {
        engineAnswers(200, "[]");

        assertThat(StackReads.volumeLabels(clients, "x/../../containers/json")).isNull();
        assertThat(StackReads.volumeLabels(clients, "..")).isNull();
        assertThat(asked()).isEmpty();
    }

    @Test
    void aReplyThatIsNotTheVolumeAskedForIsAnError() {
        engineAnswers(200, "[{\"Id\":\"c1\"}]");

        assertThatThrownBy(() -> StackReads.volumeLabels(clients, "p_data")).isInstanceOf(DockerException.class)
                .hasMessageContaining("is not the volume p_data");
    }
}
