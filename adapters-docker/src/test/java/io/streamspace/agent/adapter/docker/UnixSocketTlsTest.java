package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.transport.SSLConfig;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
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
    void theUnixSocketContextTrustsNoServer() {
        UnixSocketTls.TrustNoServer trust = new UnixSocketTls.TrustNoServer();

        assertThat(trust.getAcceptedIssuers()).isEmpty();
        assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[0], "EC"))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("does not speak TLS");
    }
}
