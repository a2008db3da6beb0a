package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clients are configured at once and built on first use; closed, they refuse to be used again. */
class DockerClientsTest {

    @Test
    void aBadHostFailsAtOnceButNothingIsBuiltOrContactedBeforeTheFirstUse(@TempDir Path dir) {
        assertThatThrownBy(() -> DockerClients.create("http://127.0.0.1:2375"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unix:///path/to/socket or tcp://host:port");

        DockerClients clients = DockerClients.create("unix://" + dir.resolve("no-engine.sock"));
        assertThat(clients.dockerHost()).isEqualTo("unix://" + dir.resolve("no-engine.sock"));
        clients.close(); // nothing was built: nothing to close, and no failure
        assertThatThrownBy(clients::requests).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void eachClientIsBuiltOnceAndClosedWithTheOther(@TempDir Path dir) {
        DockerClients clients = DockerClients.create("unix://" + dir.resolve("no-engine.sock"));
        assertThat(clients.requests()).isSameAs(clients.requests());
        assertThat(clients.streams()).isSameAs(clients.streams()).isNotSameAs(clients.requests());
        assertThat(clients.requestTransport()).isSameAs(clients.requestTransport());
        clients.close();
        assertThatThrownBy(clients::streams).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the Docker clients for unix://");
    }
}
