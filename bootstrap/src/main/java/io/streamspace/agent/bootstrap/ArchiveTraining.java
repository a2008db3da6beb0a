package io.streamspace.agent.bootstrap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.security.SecureRandom;

/**
 * The training run behind {@code bin/docker-agent --write-cds-archive}: one JVM that goes through what the agent's
 * roles load, so the class-data archive (a JDK &ge; 25 AOT cache records one JVM; the static AppCDS class list of
 * older JDKs is taken from it too) covers the paths whose start-up is measured:
 * {@code version}, {@code --help}, a {@code stack up}, then the session agent connected to a control-plane simulator
 * up to its first heartbeat and one command's ack and answer. The simulator and a stand-in Docker engine
 * ({@link TrainingEngine}: ping, version, info, empty lists and the training stack's objects answered, anything else
 * 404, so the stack and the command fail) run in a JVM of their own ({@link TrainingControlPlane}), so that their classes stay out of the
 * archive. Needs no Docker engine and no network. Not a role: the launcher runs it with {@code -cp}, never operators.
 *
 * <p>Argument: a scratch directory (the launcher's temporary one). Exits 0 when every step ran, 1 otherwise; the
 * archive is written by the JVM as it exits.
 */
public final class ArchiveTraining {

    private static final String AGENT_ID = "archive-training";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

    private ArchiveTraining() {
    }

    /** The training control plane's JVM: small, no archive, none of the training JVM's flags. */
    private static Process startControlPlane(String apiKey, Path engineSocket) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder command = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), TrainingControlPlane.class.getName(), AGENT_ID, apiKey,
                engineSocket.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        command.environment().keySet().removeIf(name -> name.endsWith("JAVA_OPTIONS") || name.equals("JAVA_OPTS"));
        return command.start();
    }

    /** The simulator's WebSocket base URL, from the line the control plane prints once it listens. */
    private static String awaitUrl(BufferedReader lines) throws IOException {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith(TrainingControlPlane.READY)) {
                return line.substring(TrainingControlPlane.READY.length()).strip();
            }
        }
        throw new IOException("the training control plane exited before it listened");
    }

    public static void main(String[] args) throws Exception {
        BaseLocaleData.useBaseLocaleData(); // as DockerAgentMain does, so the archive holds the locale data it reads
        Path work = Path.of(args.length > 0 ? args[0] : Files.createTempDirectory("docker-agent-training").toString());
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Path engineSocket = work.resolve("engine.sock");
        String engine = "unix://" + engineSocket;
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
        String apiKey = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        // The control plane and the Docker engine stand-in run in a JVM of their own, so their classes stay out of
        // the archive (TrainingControlPlane, TrainingEngine).
        Process controlPlane = startControlPlane(apiKey, engineSocket);
        int exit = 1;
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(controlPlane.getInputStream(),
                    StandardCharsets.UTF_8));
            String url = awaitUrl(lines); // the engine listens from then on too
            commandLines(env, work, engine, quiet);
            env.put("API_KEY", apiKey);
            Thread.ofPlatform().name("training-agent").daemon().start(() -> new DockerAgentMain(env, quiet, quiet)
                    .execute(new String[] {"run", "--agent-id", AGENT_ID, "--control-plane-url", url,
                            "--docker-host", engine, "--outbox-dir", work.resolve("outbox").toString(),
                            "--status-port", "0", "--heartbeat-interval", "1"}));
            String last = "no outcome";
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith(TrainingControlPlane.OUTCOME)) {
                    last = line.substring(TrainingControlPlane.OUTCOME.length());
                }
            }
            if (controlPlane.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS) && controlPlane.exitValue() == 0) {
                System.err.println("archive training: " + last);
                exit = 0;
            } else {
                System.err.println("archive training: the control plane ended with: " + last);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("archive training: " + e);
        } finally {
            controlPlane.destroyForcibly();
        }
        // System.exit runs the agent's shutdown hook (a graceful stop); the JVM writes the archive as it exits
        System.exit(exit);
    }

    /**
     * version, the help, and a {@code stack up} of a project the training engine reports as up with other
     * containers, so it goes through the re-{@code up}'s reads and fails at its first change.
     */
    private static void commandLines(Map<String, String> env, Path work, String engine, PrintStream quiet)
            throws IOException {
        new DockerAgentMain(env, quiet, quiet).execute(new String[] {"version"});
        new DockerAgentMain(env, quiet, quiet).execute(new String[] {"--help"});
        new DockerAgentMain(env, quiet, quiet).execute(new String[] {"run", "--help"});
        Path compose = work.resolve("compose.yml");
        Files.writeString(compose, """
                services:
                  app:
                    image: busybox
                    command: ["sleep", "1"]
                    ports: ["127.0.0.1::80"]
                    environment:
                      ROLE: ${ROLE:-app}
                    volumes: ["data:/data"]
                    depends_on: [db]
                  db:
                    image: busybox
                    command: sleep 1
                    networks: [back]
                networks:
                  back: {}
                volumes:
                  data: {}
                """);
        new DockerAgentMain(env, quiet, quiet).execute(new String[] {"stack", "up", "-f", compose.toString(), "-p",
                TrainingEngine.STACK_PROJECT, "--docker-host", engine});
    }
}
