package io.streamspace.agent.testkit.redis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests: started on a free 127.0.0.1 port in a temporary directory, without
 * persistence ({@code --save "" --appendonly no}), ready once it answers PING; can be frozen (SIGSTOP), resumed
 * (SIGCONT), killed (SIGKILL) and restarted on the same port. Extra arguments add configuration, e.g. ACL users:
 * {@code "--user", "leader", "on", ">secret", "~streamspace:*", "+@all"}.
 *
 * <p>JDK only (no client library): the Redis adapter's tests and the agent's HA fault drills share it.
 */
public final class RedisServerProcess implements AutoCloseable {

    public static final String REDIS_SERVER = "/usr/bin/redis-server";
    private static final Duration READY_DEADLINE = Duration.ofSeconds(20);

    private final Path directory;
    private final int port;
    private final List<String> extraArgs;
    private Process process;
    private int starts;

    private RedisServerProcess(Path directory, int port, List<String> extraArgs) {
        this.directory = directory;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
    }

    public static RedisServerProcess start(Path directory, String... extraArgs) throws IOException, InterruptedException {
        RedisServerProcess server = new RedisServerProcess(directory, freePort(), List.of(extraArgs));
        server.launch();
        return server;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    public String url(String user, String password) {
        return "redis://" + user + ":" + password + "@127.0.0.1:" + port + "/0";
    }

    private void launch() throws IOException, InterruptedException {
        Files.createDirectories(directory);
        List<String> command = new ArrayList<>(List.of(REDIS_SERVER,
                "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", directory.toString()));
        command.addAll(extraArgs);
        Path log = directory.resolve("redis-" + (starts++) + ".log");
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        IOException last = null;
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": "
                        + Files.readString(log));
            }
            try {
                String reply = command("PING");
                if (reply.startsWith("+") || reply.startsWith("-")) { // -NOAUTH: up, just no default user
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            process.waitFor(20, TimeUnit.MILLISECONDS); // poll interval; returns early only if it died
        }
        process.destroyForcibly();
        throw new IllegalStateException("redis-server on 127.0.0.1:" + port + " not ready within " + READY_DEADLINE
                + (last == null ? "" : ": " + last.getMessage()) + "\n" + Files.readString(log));
    }

    /** Freezes the server: connections stay open, nothing is answered. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL: all data is lost (no persistence). */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts a fresh server on the same port with the same configuration (an empty one: nothing was saved). */
    public void restart() throws IOException, InterruptedException {
        kill();
        launch();
    }

    /**
     * Sends one command over a plain connection and returns the first line of the reply ({@code +OK},
     * {@code -ERR ...}, {@code :1}) or, for a bulk string, its content ({@code null} for a nil).
     */
    public String command(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg)
                        .append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String line = readLine(in);
            if (line.startsWith("$")) {
                int length = Integer.parseInt(line.substring(1));
                return length < 0 ? null : new String(in.readNBytes(length), StandardCharsets.UTF_8);
            }
            return line;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read();
                return line.toString();
            }
            line.append((char) c);
        }
        throw new IOException("connection closed before a reply");
    }

    /** SIGKILL (works on a frozen server too). */
    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
