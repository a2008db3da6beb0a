package io.streamspace.agent.adapter.websocket;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context of the control-plane HTTP client. The JDK's {@code HttpClient} builds {@link SSLContext#getDefault()}
 * when it is given none, which parses the JDK's whole CA store at start-up (with docker-java's equivalent,
 * {@code UnixSocketTls} in adapters-docker, ~2 MiB of the agent's resident memory: ADR 0019), even when the control
 * plane is {@code ws://} and TLS is never spoken. So a plain-text control plane gets a context that refuses every server certificate (fails closed should
 * anything ever try TLS through it), and a {@code wss://} one the JDK's default.
 */
final class ControlPlaneTls {

    private ControlPlaneTls() {
    }

    static SSLContext contextFor(ControlPlaneEndpoints endpoints) {
        try {
            return endpoints.usesTls() ? SSLContext.getDefault() : refusingEveryServer();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for the control-plane client: " + e.getMessage(), e);
        }
    }

    private static SSLContext refusingEveryServer() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new RefuseEveryServer()}, null);
        return context;
    }

    private static final class RefuseEveryServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("TLS is not configured: the control-plane URL is ws://");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("TLS is not configured: the control-plane URL is ws://");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
