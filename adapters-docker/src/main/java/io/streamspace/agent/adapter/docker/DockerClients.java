package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.SSLConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The two docker-java clients the agent needs, both on the Apache httpclient5 transport:
 * <ul>
 *   <li>{@link #requests()}: connect and response timeouts, for request/response calls;</li>
 *   <li>{@link #streams()}: connect timeout only, for event streams, log follows and image pulls, which may
 *       legitimately stay silent for a long time.</li>
 * </ul>
 * No API version is fixed: requests go to the unversioned API paths, so the engine answers with its own
 * version (Docker 20.10 speaks 1.41, Docker 29 needs at least 1.44). {@link DockerSessionRuntime} reads the
 * version the engine speaks when it connects.
 */
public final class DockerClients implements AutoCloseable {

    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    /** How the clients are built. */
    public record Settings(String dockerHost, Duration connectTimeout, Duration responseTimeout, int maxConnections) {
        public Settings {
            Objects.requireNonNull(dockerHost, "dockerHost");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(responseTimeout, "responseTimeout");
            if (!dockerHost.startsWith("unix://") && !dockerHost.startsWith("tcp://")) {
                throw new IllegalArgumentException(
                        "Docker host must be unix:///path/to/socket or tcp://host:port, got: " + dockerHost);
            }
            if (connectTimeout.isNegative() || connectTimeout.isZero()
                    || responseTimeout.isNegative() || responseTimeout.isZero()) {
                throw new IllegalArgumentException("Docker client timeouts must be positive");
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
            }
        }

        /** Defaults: 5 s to connect, 2 min for a response (a container stop may wait for its grace period). */
        public static Settings forHost(String dockerHost) {
            return new Settings(dockerHost, Duration.ofSeconds(5), Duration.ofMinutes(2), 64);
        }
    }

    private final Settings settings;
    private final DockerClientConfig config;
    private final SSLConfig tls;
    /**
     * Built on first use, each on its own ({@link #REQUESTS}, {@link #STREAMS}): building a transport is the costly
     * part of a client (~15-30 ms cold).
     */
    private final AtomicReferenceArray<Transport> transports = new AtomicReferenceArray<>(2);
    private static final int REQUESTS = 0;
    private static final int STREAMS = 1;
    private volatile boolean closed;
    /** Detected on first need (never at construction: a standby must not contact the engine). */
    private volatile ContainerEngine engine;

    private record Transport(DockerClient client, DockerHttpClient http) {
    }

    private DockerClients(Settings settings, DockerClientConfig config, SSLConfig tls) {
        this.settings = settings;
        this.config = config;
        this.tls = tls;
    }

    /** Clients for a docker host string with default timeouts. Nothing is contacted yet. */
    public static DockerClients create(String dockerHost) {
        return create(Settings.forHost(dockerHost));
    }

    /**
     * Clients for these settings. Nothing is contacted yet, and the transports are built when first used (at
     * start-up that is on the leader's thread, beside the control-plane registration); the configuration is read
     * here, so a bad Docker host or TLS setting still fails at once.
     */
    public static DockerClients create(Settings settings) {
        // The default builder also reads DOCKER_* env vars and ~/.docker; the explicit host wins. TLS for
        // tcp:// comes from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH when set, as with the docker CLI.
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(settings.dockerHost())
                .build();
        return new DockerClients(settings, config, UnixSocketTls.forHost(settings.dockerHost(), config.getSSLConfig()));
    }

    private Transport built(int kind) {
        requireOpen();
        Transport built = transports.get(kind);
        if (built == null) {
            synchronized (this) {
                requireOpen();
                built = transports.get(kind);
                if (built == null) {
                    built = transport(kind == REQUESTS ? settings.responseTimeout() : null);
                    transports.set(kind, built);
                }
            }
        }
        return built;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the Docker clients for " + settings.dockerHost() + " are closed");
        }
    }

    /** A transport with a response timeout, or none (streams may stay silent for a long time). */
    private Transport transport(Duration responseTimeout) {
        ApacheDockerHttpClient.Builder builder = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(tls)
                .maxConnections(settings.maxConnections())
                .connectionTimeout(settings.connectTimeout());
        if (responseTimeout != null) {
            builder.responseTimeout(responseTimeout);
        }
        ApacheDockerHttpClient http = builder.build();
        return new Transport(DockerClientImpl.getInstance(config, http), http);
    }

    /** The docker host string these clients talk to, as configured. */
    public String dockerHost() {
        return settings.dockerHost();
    }

    /**
     * Which engine answers (Docker or Podman), asked once with {@code GET /version} and remembered.
     *
     * @throws RuntimeException the transport's failure when the engine cannot be reached (asked again next time)
     */
    public ContainerEngine engine() {
        ContainerEngine known = engine;
        if (known == null) {
            known = EngineReads.version(this).engine();
            engine = known;
        }
        return known;
    }

    /** Records what {@code GET /version} said when someone else asked it. */
    void engine(ContainerEngine detected) {
        engine = Objects.requireNonNull(detected);
    }

    /** The request transport, for the few engine-specific endpoints docker-java has no command for. */
    DockerHttpClient requestTransport() {
        return built(REQUESTS).http();
    }

    /** For request/response calls (bounded by the response timeout). */
    public DockerClient requests() {
        return built(REQUESTS).client();
    }

    /** For event streams, log follows and pulls (no response timeout). */
    public DockerClient streams() {
        return built(STREAMS).client();
    }

    @Override
    public void close() {
        Transport[] built;
        synchronized (this) {
            closed = true;
            built = new Transport[] {transports.get(REQUESTS), transports.get(STREAMS)};
        }
        IOException failure = null;
        for (Transport transport : built) {
            if (transport == null) {
                continue;
            }
            DockerClient client = transport.client();
            try {
                client.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("Closing the Docker clients for " + settings.dockerHost() + " failed", failure);
        }
    }
}
