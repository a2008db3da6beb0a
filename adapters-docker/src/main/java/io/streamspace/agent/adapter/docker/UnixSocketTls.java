package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.transport.SSLConfig;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS setting of a docker-java transport to a {@code unix://} socket. Given no {@link SSLConfig}, docker-java's
 * Apache transport builds the system default TLS strategy, which parses the JDK's whole CA store at start-up, for a
 * socket that never speaks TLS (with the control-plane client's equivalent, ~2 MiB of the session agent's resident
 * memory: ADR 0019). A unix socket gets a context that trusts no server instead, which fails closed should
 * anything ever try TLS through it. A {@code tcp://} host keeps docker-java's own choice: a context there would make
 * the transport speak https.
 */
public final class UnixSocketTls {

    private UnixSocketTls() {
    }

    /** {@code configured} when the environment set TLS up or the host is not a unix socket, else a no-TLS config. */
    public static SSLConfig forHost(String dockerHost, SSLConfig configured) {
        if (configured != null || !dockerHost.startsWith("unix://")) {
            return configured;
        }
        return UnixSocketTls::trustingNoServer;
    }

    private static SSLContext trustingNoServer() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustNoServer()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up the Docker transport: " + e.getMessage(), e);
        }
    }

    static final class TrustNoServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a unix:// Docker socket does not speak TLS");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a unix:// Docker socket does not speak TLS");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
