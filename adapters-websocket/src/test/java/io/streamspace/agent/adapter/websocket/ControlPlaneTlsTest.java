package io.streamspace.agent.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneTlsTest {

    @Test
    void aSecureControlPlaneGetsTheJdksDefaultTrust() throws Exception {
        SSLContext context = ControlPlaneTls.contextFor(new ControlPlaneEndpoints(URI.create("wss://cp.example.com")));

        assertThat(context).isSameAs(SSLContext.getDefault());
    }

    @Test
    void aPlainTextControlPlanesClientRefusesAnyTlsServer(@TempDir Path dir) throws Exception {
        SSLContext context = ControlPlaneTls.contextFor(new ControlPlaneEndpoints(URI.create("ws://127.0.0.1:1")));
        assertThat(context).isNotSameAs(SSLContext.getDefault());

        try (SSLServerSocket server = tlsServer(dir)) {
            Thread.ofVirtual().start(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.startHandshake();
                } catch (Exception expected) {
                    // the client aborts the handshake
                }
            });
            HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.getLocalPort() + "/"))
                    .timeout(Duration.ofSeconds(10)).build();

            assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.discarding()))
                    .rootCause().hasMessage(ControlPlaneTls.NOT_CONFIGURED);
        }
    }

    /** A real TLS server on loopback with a self-signed certificate made by the JDK's keytool. */
    private static SSLServerSocket tlsServer(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-validity", "1",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, "changeit".toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(factory.getKeyManagers(), null, null);
        return (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }
}
