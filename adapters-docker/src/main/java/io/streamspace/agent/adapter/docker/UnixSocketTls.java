package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.transport.SSLConfig;

/**
 * The TLS setting of a docker-java transport to a {@code unix://} socket. Given no {@link SSLConfig}, docker-java's
 * Apache transport builds the system default TLS strategy, which loads the JDK's TLS stack and parses its whole CA
 * store at start-up, for a socket that never speaks TLS (ADR 0019, 0020). A unix socket gets a context that cannot
 * speak TLS at all instead ({@link NoTls}: fails closed should anything ever try TLS through it). A {@code tcp://}
 * host keeps docker-java's own choice: a context there would make the transport speak https.
 */
public final class UnixSocketTls {

    static final String NOT_TLS = "a unix:// Docker socket does not speak TLS";

    private UnixSocketTls() {
    }

    /** {@code configured} when the environment set TLS up or the host is not a unix socket, else a no-TLS config. */
    public static SSLConfig forHost(String dockerHost, SSLConfig configured) {
        if (configured != null || !dockerHost.startsWith("unix://")) {
            return configured;
        }
        return () -> NoTls.context(NOT_TLS);
    }
}
