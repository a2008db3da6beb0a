package io.streamspace.agent.adapter.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.port.out.VncConnector.VncConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TcpVncConnectorTest {

    private static final String HOST = "127.0.0.1";

    private final TcpVncConnector connector = new TcpVncConnector(Duration.ofSeconds(5));
    private final List<byte[]> chunks = new CopyOnWriteArrayList<>();
    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName(HOST));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    /** Serves every accepted connection on a virtual thread. */
    private void serve(SocketHandler handler) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            handler.handle(socket);
                        } catch (IOException ignored) {
                            // the test decides what counts
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private interface SocketHandler {
        void handle(Socket socket) throws IOException;
    }

    private static void echo(Socket socket) throws IOException {
        socket.getInputStream().transferTo(socket.getOutputStream());
    }

    private VncConnection open() throws IOException {
        Consumer<byte[]> onData = bytes -> {
            threads.add(Thread.currentThread().getName());
            chunks.add(bytes);
        };
        return connector.open(HOST, server.getLocalPort(), onData, closes::add);
    }

    private byte[] received() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        chunks.forEach(all::writeBytes);
        return all.toByteArray();
    }

    @Test
    void bytesRoundTripThroughAnEchoServer() throws IOException {
        serve(TcpVncConnectorTest::echo);
        try (VncConnection connection = open()) {
            connection.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            connection.write(new byte[] {0, 1, 2, (byte) 255});
            byte[] expected = "RFB 003.008\n\0\1\2\377".getBytes(StandardCharsets.ISO_8859_1);
            await().atMost(Duration.ofSeconds(10)).until(() -> received().length >= expected.length);
            assertThat(received()).isEqualTo(expected);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !closes.isEmpty());
        assertThat(closes).containsExactly(TcpVncConnector.CLOSED_BY_AGENT);
    }

    @Test
    void aLargePayloadArrivesCompleteInOrderInChunksOfAtMost32KiB() throws IOException {
        byte[] payload = new byte[200 * 1024];
        new Random(42).nextBytes(payload);
        serve(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write(payload);
            out.flush();
        });
        try (VncConnection connection = open()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !closes.isEmpty());
        }
        assertThat(received()).isEqualTo(payload);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.length).isBetween(1, 32 * 1024));
        assertThat(chunks.size()).isGreaterThanOrEqualTo(200 / 32 + 1);
        assertThat(threads).as("delivered from one thread").containsOnly(threads.get(0));
        assertThat(closes).containsExactly(TcpVncConnector.CLOSED_BY_SESSION);
    }

    @Test
    void aLargeWriteFromManyThreadsIsEchoedWhole() throws Exception {
        serve(TcpVncConnectorTest::echo);
        byte[] block = new byte[16 * 1024];
        try (VncConnection connection = open()) {
            List<Thread> writers = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                byte value = (byte) t;
                writers.add(Thread.ofVirtual().start(() -> {
                    byte[] mine = block.clone();
                    java.util.Arrays.fill(mine, value);
                    try {
                        connection.write(mine);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            for (Thread writer : writers) {
                writer.join();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> received().length >= 8 * block.length);
        }
        byte[] all = received();
        assertThat(all).hasSize(8 * block.length);
        // Writes never interleave: every 16 KiB block is one writer's bytes.
        for (int b = 0; b < 8; b++) {
            byte first = all[b * block.length];
            for (int i = 0; i < block.length; i++) {
                assertThat(all[b * block.length + i]).isEqualTo(first);
            }
        }
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.length).isLessThanOrEqualTo(32 * 1024));
    }

    @Test
    void aRemoteCloseIsReportedExactlyOnce() throws IOException {
        serve(socket -> socket.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII)));
        VncConnection connection = open();
        await().atMost(Duration.ofSeconds(10)).until(() -> !closes.isEmpty());
        connection.close();
        connection.close();
        assertThat(received()).asString(StandardCharsets.US_ASCII).isEqualTo("bye");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> closes.size() == 1);
        assertThat(closes).containsExactly(TcpVncConnector.CLOSED_BY_SESSION);
        assertThatThrownBy(() -> connection.write(new byte[] {1})).isInstanceOf(IOException.class);
    }

    @Test
    void aLocalCloseIsReportedOnceAndIsIdempotent() throws IOException {
        serve(socket -> {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // hold the connection open until the agent closes it
            }
        });
        VncConnection connection = open();
        connection.close();
        connection.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !closes.isEmpty());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> closes.size() == 1);
        assertThat(closes).containsExactly(TcpVncConnector.CLOSED_BY_AGENT);
        assertThatThrownBy(() -> connection.write(new byte[] {1}))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void aFailingDataHandlerClosesTheConnectionWithTheReason() throws IOException {
        serve(socket -> {
            socket.getOutputStream().write(1);
            socket.getInputStream().read();
        });
        try (VncConnection ignored = connector.open(HOST, server.getLocalPort(),
                bytes -> { throw new IllegalStateException("viewer gone"); }, closes::add)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !closes.isEmpty());
        }
        assertThat(closes).singleElement().asString().contains("viewer gone");
    }

    @Test
    void acceptsTellsWhetherThePortListens() throws IOException {
        assertThat(connector.accepts(HOST, server.getLocalPort(), Duration.ofSeconds(2))).isTrue();
        int port = server.getLocalPort();
        server.close();
        assertThat(connector.accepts(HOST, port, Duration.ofSeconds(2))).isFalse();
        assertThatThrownBy(() -> connector.open(HOST, port, b -> { }, r -> { })).isInstanceOf(IOException.class);
    }
}
