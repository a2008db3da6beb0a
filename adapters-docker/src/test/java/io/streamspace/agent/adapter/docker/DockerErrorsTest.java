package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.ConflictException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class DockerErrorsTest {

    @Test
    void transportFailuresBecomeCannotReachWithTheRootCause() {
        var failure = new RuntimeException(new IOException("wrapped", new ConnectException("Connection refused")));

        var translated = DockerErrors.translate("read the engine version", "tcp://127.0.0.1:1", failure);

        assertThat(translated).hasMessage("Cannot reach the Docker engine at tcp://127.0.0.1:1: Connection refused");
        assertThat(translated.getCause()).isSameAs(failure);
    }

    @Test
    void aCauseWithoutMessageIsNamedByItsType() {
        var failure = new RuntimeException(new java.net.SocketTimeoutException());

        assertThat(DockerErrors.translate("x", "unix:///s", failure))
                .hasMessage("Cannot reach the Docker engine at unix:///s: SocketTimeoutException");
    }

    @Test
    void engineErrorsKeepTheEngineMessageAndStatus() {
        var failure = new ConflictException("{\"message\":\"network with name n already exists\"}\n");

        assertThat(DockerErrors.translate("create network n", "unix:///s", failure)).hasMessage(
                "Docker engine at unix:///s refused to create network n: network with name n already exists (HTTP 409)");
    }

    @Test
    void anEmptyEngineBodyIsSaidSo() {
        var failure = new com.github.dockerjava.api.exception.NotFoundException(""); // getMessage(): "Status 404: "

        assertThat(DockerErrors.engineMessage(failure)).isEqualTo("no message");
    }
}
