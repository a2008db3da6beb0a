package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.transport.SSLConfig;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class UnixSocketTlsTest {

    @Test
    void aUnixSocketGetsItsOwnContextInsteadOfTheSystemDefault() throws Exception {
        SSLConfig config = UnixSocketTls.forHost("unix:///var/run/docker.sock", null);

        assertThat(config).isNotNull();
        SSLContext context = config.getSSLContext();
        assertThat(context).isNotNull().isNotSameAs(SSLContext.getDefault());
    }

    @Test
    void tlsSetUpByTheEnvironmentWins() {
        SSLConfig configured = () -> null;

        assertThat(UnixSocketTls.forHost("unix:///var/run/docker.sock", configured)).isSameAs(configured);
        assertThat(UnixSocketTls.forHost("tcp://127.0.0.1:2376", configured)).isSameAs(configured);
    }

    @Test
    void aTcpHostWithoutTlsStaysPlainHttp() {
        // A context here would make docker-java's transport speak https to a plain tcp:// engine.
        assertThat(UnixSocketTls.forHost("tcp://127.0.0.1:2375", null)).isNull();
    }

    @Test
    void theUnixSocketContextCannotSpeakTls() throws Exception {
        SSLContext context = UnixSocketTls.forHost("unix:///var/run/docker.sock", null).getSSLContext();

        assertThatThrownBy(() -> context.createSSLEngine("127.0.0.1", 2376))
                .hasMessage("a unix:// Docker socket does not speak TLS");
        assertThatThrownBy(context::getSocketFactory).hasMessage("a unix:// Docker socket does not speak TLS");
        assertThatThrownBy(() -> context.init(null, null, null)).hasMessage("a unix:// Docker socket does not speak TLS");
    }

    @Test
    void theUnixSocketContextLoadsNoTlsImplementation() throws Exception {
        SSLContext context = UnixSocketTls.forHost("unix:///var/run/docker.sock", null).getSSLContext();

        // the JDK's own contexts come from its SunJSSE provider (sun.security.ssl), which this one never touches
        assertThat(context.getProvider().getName()).isEqualTo("docker-agent-no-tls");
        assertThat(context.getDefaultSSLParameters()).isNotNull();
    }
}
