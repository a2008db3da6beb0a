package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An engine that is not there gives one precise line, and does so without hanging. */
class UnreachableDockerIT {

    @ParameterizedTest
    @ValueSource(strings = {"unix:///nonexistent.sock", "tcp://127.0.0.1:1"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS) // a hang guard, not a speed assertion
    void connectNamesTheHostAndTheCause(String host) {
        try (DockerClients clients = DockerClients.create(host)) {
            assertThatThrownBy(() -> DockerSessionRuntime.connect(clients))
                    .isInstanceOf(RuntimeOperationException.class)
                    .hasMessageStartingWith("Cannot reach the Docker engine at " + host + ": ")
                    .hasMessageNotContaining("\n")
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(
                            e.getMessage().substring(("Cannot reach the Docker engine at " + host + ": ").length()))
                            .isNotBlank());
        }
    }
}
