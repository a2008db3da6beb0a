package io.streamspace.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine the deploy tests run on: the repository, the agent's image, processes, the Docker engine. */
final class Host {

    static final Path REPO = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    static final Path DEPLOY = REPO.resolve("deploy");
    static final Path AGENT_JAR = Path.of(System.getProperty("agent.jar",
            REPO.resolve("bootstrap/target/docker-agent.jar").toString())).toAbsolutePath().normalize();
    static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");
    static final String TEST_LABEL = "io.streamspace.test=deploy";

    private static String agentImage;
    private static String redisImage;

    private Host() {
    }

    /** What a process printed and how it ended. */
    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** The agent's image, built once per run by scripts/image.sh from this build's jar (a no-op when unchanged). */
    static synchronized String agentImage() {
        if (agentImage == null) {
            assertThat(AGENT_JAR).as("the shaded jar (bootstrap is built before deploy-tests)").isRegularFile();
            agentImage = lastLine(ok(run(REPO, Map.of(), Duration.ofMinutes(10), "scripts/image.sh", "--jar",
                    AGENT_JAR.toString())));
        }
        return agentImage;
    }

    /** The local Redis image for docker-compose.ha.yml's REDIS_IMAGE (there is no registry to pull redis from). */
    static synchronized String redisImage() {
        if (redisImage == null) {
            redisImage = lastLine(ok(run(REPO, Map.of(), Duration.ofMinutes(5), "scripts/image.sh", "--redis")));
        }
        return redisImage;
    }

    /**
     * The host's address on the docker0 bridge: containers on any bridge network reach the host there, so the
     * simulator listens on it (and nowhere else beyond loopback).
     */
    static String dockerBridgeAddress() {
        try {
            NetworkInterface docker0 = NetworkInterface.getByName("docker0");
            assertThat(docker0).as("the docker0 bridge (the engine's default bridge network)").isNotNull();
            for (InetAddress address : Collections.list(docker0.getInetAddresses())) {
                if (address instanceof Inet4Address) {
                    return address.getHostAddress();
                }
            }
            throw new AssertionError("docker0 has no IPv4 address");
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The group id of the Docker socket (the deploy files' DOCKER_GID). */
    static int dockerSocketGroup() {
        try {
            return (Integer) Files.getAttribute(DOCKER_SOCKET, "unix:gid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(REPO, Map.of(), Duration.ofMinutes(3), command.toArray(String[]::new));
    }

    static String dockerOk(String... args) {
        return ok(docker(args)).out().strip();
    }

    /** The agent's jar as an operator runs it on the host ({@code java -jar docker-agent.jar ...}). */
    static Result agent(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", AGENT_JAR.toString()));
        command.addAll(List.of(args));
        return run(dir, env, Duration.ofMinutes(5), command.toArray(String[]::new));
    }

    /** Runs a command in a directory with extra environment variables; fails the test when it outlives the timeout. */
    static Result run(Path dir, Map<String, String> env, Duration timeout, String... command) {
        try {
            Path out = Files.createTempFile("deploy-out", ".txt");
            Path err = Files.createTempFile("deploy-err", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().remove("STATUS_PORT");
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                        + ":\n" + Files.readString(out) + Files.readString(err));
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static Result ok(Result result) {
        assertThat(result.exitCode()).as("exit code; output:\n%s", result.all()).isZero();
        return result;
    }

    static List<String> lines(String text) {
        return text.isBlank() ? List.of() : List.of(text.strip().split("\\R"));
    }

    private static String lastLine(Result result) {
        List<String> lines = lines(result.out());
        assertThat(lines).as("image.sh prints the image").isNotEmpty();
        return lines.get(lines.size() - 1);
    }
}
