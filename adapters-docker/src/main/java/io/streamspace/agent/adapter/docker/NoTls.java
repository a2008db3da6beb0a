package io.streamspace.agent.adapter.docker;

import java.security.KeyManagementException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A TLS context for a transport that never speaks TLS: it loads none of the JDK's TLS implementation. The clients
 * want a context even so (the JDK's {@code HttpClient} builds {@link SSLContext#getDefault()} when given none,
 * docker-java's Apache transport the system default), and a JDK &ge; 25 agent with an AOT cache loads at start-up every
 * class the training loaded: the JDK's TLS stack (~400 classes with its providers) cost every agent 3.5 MiB of
 * resident memory (ADR 0020). Anything that does try TLS through it fails with {@code why}.
 * The session agent's other adapter has the same class: adapters do not share code.
 */
final class NoTls extends SSLContextSpi {

    /** @param why the message of every failure, for an operator who finds TLS attempted where none was configured */
    static SSLContext context(String why) {
        return new SSLContext(new NoTls(why), new Provider("docker-agent-no-tls", "1", why) { }, "none") { };
    }

    private final String why;

    private NoTls(String why) {
        this.why = why;
    }

    private UnsupportedOperationException refused() {
        return new UnsupportedOperationException(why);
    }

    // SSLContext.init is for a context that will speak TLS
    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) throws KeyManagementException {
        throw new KeyManagementException(why);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        throw refused();
    }

    // the JDK's HttpClient reads the default parameters once as it is built, whatever its URLs
    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return new SSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return new SSLParameters();
    }
}
