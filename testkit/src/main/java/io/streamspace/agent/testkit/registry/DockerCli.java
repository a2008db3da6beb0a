package io.streamspace.agent.testkit.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code docker} CLI as a test helper (JDK only: the testkit does not depend on docker-java). It talks to the
 * engine the environment points at ({@code DOCKER_HOST}, else the default socket), like the tests' own clients.
 */
public final class DockerCli {

    private static final long TIMEOUT_SECONDS = 120;

    private DockerCli() {
    }

    /** Runs {@code docker ARGS...}; returns its output (stdout and stderr), throws when it exits non-zero. */
    public static String run(String... args) throws IOException, InterruptedException {
        return run(null, args);
    }

    /** As {@link #run(String...)}, with {@code --config configDir} (credentials) when it is not null. */
    public static String run(Path configDir, String... args) throws IOException, InterruptedException {
        Result result = tryRun(configDir, args);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("docker " + String.join(" ", args) + " exited with " + result.exitCode()
                    + ": " + result.output().strip());
        }
        return result.output();
    }

    /** {@code docker rmi IMAGE}; true when removed, false when there was no such image. */
    public static boolean removeImage(String image) throws IOException, InterruptedException {
        Result result = tryRun(null, Map.of(), "image", "rm", image);
        if (result.exitCode() == 0) {
            return true;
        }
        if (result.output().contains("No such image")) {
            return false;
        }
        throw new IllegalStateException("docker image rm " + image + " exited with " + result.exitCode() + ": "
                + result.output().strip());
    }

    /**
     * {@code docker build -t TAG CONTEXT} with the classic builder ({@code DOCKER_BUILDKIT=0}, as scripts/lib.sh
     * builds the test images: no network, {@code FROM} a local image works).
     */
    public static void build(Path context, String tag) throws IOException, InterruptedException {
        Result result = tryRun(null, Map.of("DOCKER_BUILDKIT", "0"), "build", "-q", "-t", tag, context.toString());
        if (result.exitCode() != 0) {
            throw new IllegalStateException("docker build -t " + tag + " " + context + " exited with "
                    + result.exitCode() + ": " + result.output().strip());
        }
    }

    /** Whether the engine has an image with this reference. */
    public static boolean imagePresent(String image) throws IOException, InterruptedException {
        return tryRun(null, Map.of(), "image", "inspect", "--format", "{{.Id}}", image).exitCode() == 0;
    }

    /** The exit code and the combined output of one {@code docker} call. */
    public record Result(int exitCode, String output) {
    }

    public static Result tryRun(Path configDir, String... args) throws IOException, InterruptedException {
        return tryRun(configDir, Map.of(), args);
    }

    private static Result tryRun(Path configDir, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("docker");
        if (configDir != null) {
            command.add("--config");
            command.add(configDir.toString());
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.toHandle().destroyForcibly();
            throw new IllegalStateException("docker " + String.join(" ", args) + " did not finish within "
                    + TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(), output);
    }
}
