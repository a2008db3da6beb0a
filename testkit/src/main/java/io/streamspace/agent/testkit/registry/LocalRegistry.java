package io.streamspace.agent.testkit.registry;

import io.streamspace.agent.testkit.files.TempFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A real Docker registry (Debian's {@code docker-registry}, distribution 2.x) on a free 127.0.0.1 port, optionally
 * with htpasswd basic auth. The bcrypt hash htpasswd needs comes from the C library's {@code crypt(3)} through
 * Perl (Debian's libxcrypt does {@code $2b$}); no apache2-utils needed. The engine treats 127.0.0.0/8 as an
 * insecure registry by default, so plain HTTP works for push and pull.
 *
 * <p>JDK only: images are tagged, pushed and removed with the {@code docker} CLI ({@link DockerCli}); the pushes
 * use a temporary Docker config directory holding this registry's credentials, never the user's own.
 */
public final class LocalRegistry implements AutoCloseable {

    public static final String BINARY = "/usr/bin/docker-registry";
    private static final Duration READY_DEADLINE = Duration.ofSeconds(20);
    private static final String BCRYPT_SALT_ALPHABET =
            "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Path dir;
    private final Process process;
    private final int port;
    private final String user;
    private final String password;

    private LocalRegistry(Path dir, Process process, int port, String user, String password) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /** Starts a registry without auth. */
    public static LocalRegistry start() throws IOException, InterruptedException {
        return start(null, null);
    }

    /** Starts a registry; with a user, every request needs basic auth with that user and password. */
    public static LocalRegistry start(String user, String password) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's docker-registry (scripts/setup-env.sh does)");
        }
        Path dir = Files.createTempDirectory("sst-registry-");
        int port = freePort();
        StringBuilder config = new StringBuilder()
                .append("version: 0.1\n")
                .append("log:\n  level: warn\n")
                .append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data")).append('\n')
                .append("  delete:\n    enabled: true\n")
                .append("http:\n  addr: 127.0.0.1:").append(port).append('\n')
                .append("  secret: streamspace-test-only\n");
        if (user != null) {
            Files.writeString(dir.resolve("htpasswd"), user + ":" + bcrypt(password) + "\n", StandardCharsets.UTF_8);
            config.append("auth:\n  htpasswd:\n    realm: streamspace-test\n    path: ")
                    .append(dir.resolve("htpasswd")).append('\n');
        }
        Path configFile = dir.resolve("config.yml");
        Files.writeString(configFile, config, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(BINARY, "serve", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        LocalRegistry registry = new LocalRegistry(dir, process, port, user, password);
        try {
            registry.awaitReady(user != null);
        } catch (RuntimeException | Error | InterruptedException e) {
            String log = Files.exists(dir.resolve("registry.log")) ? Files.readString(dir.resolve("registry.log")) : "";
            registry.close();
            throw new IllegalStateException("docker-registry did not come up on 127.0.0.1:" + port + "; log:\n" + log, e);
        }
        return registry;
    }

    /** {@code 127.0.0.1:PORT}, the registry part of image names. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The registry's log so far (for failure messages). */
    public String log() throws IOException {
        Path log = dir.resolve("registry.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /**
     * Tags {@code localImage} as {@code ADDRESS/repository:tag}, pushes it (with this registry's credentials) and
     * removes that local tag again (only the tag: {@code localImage} itself stays). Returns the pushed reference.
     */
    public String push(String localImage, String repository, String tag) throws IOException, InterruptedException {
        String reference = address() + "/" + repository + ":" + tag;
        Path pushConfig = Files.createTempDirectory(dir, "push-config-");
        if (user != null) {
            writeDockerConfig(pushConfig, user, password);
        }
        DockerCli.run("image", "tag", localImage, reference);
        try {
            DockerCli.run(pushConfig, "image", "push", reference);
        } finally {
            DockerCli.removeImage(reference);
        }
        return reference;
    }

    /**
     * Writes {@code dockerConfigDir/config.json} with an {@code auths} entry for this registry, as
     * {@code docker login} leaves it (base64 {@code user:password}); returns the file.
     */
    public Path writeDockerConfig(Path dockerConfigDir, String user, String password) throws IOException {
        Files.createDirectories(dockerConfigDir);
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Path file = dockerConfigDir.resolve("config.json");
        Files.writeString(file, "{\"auths\":{\"" + address() + "\":{\"auth\":\"" + auth + "\"}}}\n",
                StandardCharsets.UTF_8);
        return file;
    }

    private void awaitReady(boolean auth) throws InterruptedException {
        int expected = auth ? 401 : 200;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI base = URI.create("http://" + address() + "/v2/");
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited with " + process.exitValue());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(base).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == expected) {
                    return;
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            process.waitFor(50, TimeUnit.MILLISECONDS); // poll interval; returns early only if it died
        }
        throw new IllegalStateException("not ready within " + READY_DEADLINE + " (" + last + ")");
    }

    /** A bcrypt ({@code $2b$}, cost 5: a test password) hash from crypt(3) via Perl. */
    static String bcrypt(String password) throws IOException {
        SecureRandom random = new SecureRandom();
        StringBuilder salt = new StringBuilder("$2b$05$");
        for (int i = 0; i < 22; i++) {
            salt.append(BCRYPT_SALT_ALPHABET.charAt(random.nextInt(BCRYPT_SALT_ALPHABET.length())));
        }
        Process perl = new ProcessBuilder("perl", "-e", "print crypt($ARGV[0], $ARGV[1])", password, salt.toString())
                .redirectErrorStream(true)
                .start();
        String hash;
        try {
            hash = new String(perl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!perl.waitFor(20, TimeUnit.SECONDS)) {
                perl.toHandle().destroyForcibly();
                throw new IllegalStateException("perl crypt did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing the registry password", e);
        }
        if (!hash.startsWith("$2b$05$") || hash.length() != 60) {
            throw new IllegalStateException("crypt(3) cannot make bcrypt hashes here (got '" + hash
                    + "'); the htpasswd registry test needs libxcrypt with $2b$ support");
        }
        return hash;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops the registry and deletes its storage (every pushed image goes with it). */
    @Override
    public void close() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.toHandle().destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempFiles.delete(dir);
    }
}
