package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ListedContainer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tree reads of {@code GET /version} and {@code GET /containers/json} (ADR 0027) against a stub engine on
 * loopback: what is asked, what is read from the reply, and the errors of an engine that answers otherwise. The same
 * reads against real Docker and Podman engines are in the runtime contract (DockerSessionRuntimeContractIT,
 * PodmanRuntimeIT).
 */
class EngineReadsTest {

    private StubDockerEngine engine;
    private DockerClients clients;

    private void engineAnswers(int status, String contentType, String body) {
        engine = StubDockerEngine.answering(status, contentType, body);
        clients = engine.clients();
    }

    /** What the engine was asked so far. */
    private List<String> asked() {
        return engine.asked();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /** Connects to a stub whose {@code GET /version} names this platform and component (Docker 20.10's shape). */
    private SessionRuntime.RuntimeInfo connectToEngineAnswering(String platform, String component,
                                                                String version) {
        engineAnswers(200, "application/json", "{\"Platform\":{\"Name\":\"" + platform + "\"},"
                + "\"Components\":[{\"Name\":\"" + component + "\",\"Version\":\"" + version + "\"}],"
                + "\"Version\":\"" + version + "\",\"ApiVersion\":\"1.41\",\"Os\":\"linux\",\"Arch\":\"amd64\","
                + "\"Experimental\":false}");
        return DockerSessionRuntime.connect(clients).connectedTo();
    }

    @Test
    void dockersVersionIsReadWithItsEngine() {
        var info = connectToEngineAnswering("Docker Engine - Community", "Engine", "20.10.24");

        assertThat(info.engineVersion()).isEqualTo("20.10.24");
        assertThat(info.apiVersion()).isEqualTo("1.41");
        assertThat(info.operatingSystem()).isEqualTo("linux/amd64");
        assertThat(info.runtime()).isEqualTo("docker");
        assertThat(clients.engine()).isEqualTo(ContainerEngine.DOCKER);
        assertThat(asked()).containsExactly("GET /version");
    }

    @Test
    void podmanIsToldApartByItsComponentsName() {
        var info = connectToEngineAnswering("linux/amd64/debian-12", "Podman Engine", "4.3.1");

        assertThat(info.runtime()).isEqualTo("podman");
        assertThat(info.engineVersion()).isEqualTo("4.3.1");
    }

    @Test
    void theListAsksTheEngineToFilterByEveryLabelAndReadsWhatAnInspectWouldShow() {
        engineAnswers(200, "application/json", "[{\"Id\":\"abc123\",\"Names\":[\"/ss-s1\"],"
                + "\"Image\":\"streamspace/desktop:1\",\"State\":\"running\",\"Status\":\"Up 2 seconds\","
                + "\"Labels\":{\"owner\":\"a1\",\"session\":\"s1\"},\"Created\":1700000000,\"Ports\":["
                + "{\"IP\":\"0.0.0.0\",\"PrivatePort\":5900,\"PublicPort\":32768,\"Type\":\"tcp\"},"
                + "{\"IP\":\"::\",\"PrivatePort\":5900,\"PublicPort\":32768,\"Type\":\"tcp\"},"
                + "{\"PrivatePort\":8080,\"Type\":\"tcp\"},"
                + "{\"IP\":\"0.0.0.0\",\"PrivatePort\":53,\"PublicPort\":5353,\"Type\":\"udp\"}]},"
                // Podman: its own state word, its fully qualified image, and the bindings of a stopped container
                + "{\"Id\":\"def456\",\"Names\":[\"ss-s2\"],\"Image\":\"localhost/streamspace/desktop:1\","
                + "\"State\":\"configured\",\"Labels\":{\"owner\":\"a1\"},\"Ports\":[{\"PrivatePort\":5900,"
                + "\"PublicPort\":40000,\"Type\":\"tcp\"}]},"
                + "{\"Id\":\"fff000\",\"Names\":[\"/someone-elses\"],\"State\":\"running\",\"Labels\":null}]");
        DockerSessionRuntime runtime = DockerSessionRuntime.deferred(clients);

        List<ListedContainer> listed = runtime.listContainers(Map.of("owner", "a1"));

        // the engine filters; the adapter still keeps only what carries the labels (a third container does not)
        assertThat(listed).containsExactly(
                new ListedContainer("abc123", "ss-s1", "streamspace/desktop:1", Map.of("owner", "a1", "session", "s1"),
                        "running", Map.of(5900, 32768)),
                new ListedContainer("def456", "ss-s2", "streamspace/desktop:1", Map.of("owner", "a1"), "created",
                        Map.of()));
        assertThat(asked()).hasSize(1);
        String request = URLDecoder.decode(asked().get(0), StandardCharsets.UTF_8);
        assertThat(request).isEqualTo("GET /containers/json?all=1&filters={\"label\":[\"owner=a1\"]}");
    }

    /** The agent's list by its owner label against a stub that answers {@code status} with this JSON body. */
    private AbstractThrowableAssert<?, ? extends Throwable> assertListingFailsOnEngineAnswering(int status,
                                                                                                 String body) {
        engineAnswers(status, "application/json", body);
        DockerSessionRuntime runtime = DockerSessionRuntime.deferred(clients);
        return assertThatThrownBy(() -> runtime.listContainers(Map.of("owner", "a1")))
                .isInstanceOf(RuntimeOperationException.class);
    }

    @Test
    void anEngineErrorOnTheListKeepsTheEnginesMessageAndStatus() {
        assertListingFailsOnEngineAnswering(500, "{\"message\":\"database is locked\"}")
                .hasMessage("Docker engine at " + clients.dockerHost() + " refused to list containers: database is"
                        + " locked (HTTP 500)");
    }

    @Test
    void aListReplyThatIsNoListIsRefusedNotReadAsContainers() {
        assertListingFailsOnEngineAnswering(200, "{\"Id\":\"abc123\",\"Labels\":{\"owner\":\"a1\"}}")
                .hasMessageContaining("refused to list containers: the reply to GET /containers/json?all=1&filters=")
                .hasMessageEndingWith(" is not a list of containers (HTTP 200)");
    }

    @Test
    void somethingThatIsNoEngineIsSaidToBeNoEngine() {
        engineAnswers(404, "text/plain", "404 page not found");

        assertConnectSaysNoEngine(404, "404 page not found");
    }

    @Test
    void anAnswerThatIsNotJsonIsSaidToBeNotJsonNotUnreachable() {
        engineAnswers(200, "text/html", "<html>a proxy's page</html>");

        assertConnectSaysNoEngine(200, "the reply to GET /version is not JSON");
    }

    private void assertConnectSaysNoEngine(int status, String detail) {
        assertThatThrownBy(() -> DockerSessionRuntime.connect(clients))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessage("Cannot use the Docker engine at " + clients.dockerHost() + ": GET /version answered"
                        + " HTTP " + status + " (" + detail + "); is this really a Docker engine endpoint?");
    }

    @Test
    void anUnreachableEngineIsSaidToBeUnreachable() {
        engineAnswers(200, "application/json", "{}");
        engine.stopAnswering();

        assertThatThrownBy(() -> DockerSessionRuntime.connect(clients))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageStartingWith("Cannot reach the Docker engine at " + clients.dockerHost() + ": ");
    }
}
