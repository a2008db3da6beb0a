package io.streamspace.agent.bootstrap;

import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.security.SecureRandom;

/**
 * The training run behind {@code bin/docker-agent --write-cds-archive}: one JVM that goes through what the agent's
 * roles load, so the class-data archive (a JDK &ge; 25 AOT cache records one JVM; the static AppCDS class list of
 * older JDKs is taken from it too) covers the paths whose start-up is measured:
 * {@code version}, {@code --help}, a {@code stack up} (against an engine address that refuses), then the session
 * agent connected to an in-process control-plane simulator up to its first heartbeat and one command's ack and
 * answer (the engine still refusing, so the command fails). Needs no Docker engine and no network. Not a role:
 * the launcher runs it with {@code -cp}, never operators.
 *
 * <p>Argument: a scratch directory (the launcher's temporary one). Exits 0 when every step ran, 1 otherwise; the
 * archive is written by the JVM as it exits.
 */
public final class ArchiveTraining {

    private static final String AGENT_ID = "archive-training";
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : Files.createTempDirectory("docker-agent-training").toString());
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        String noEngine = "unix://" + work.resolve("no-engine.sock");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));

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
                "archive-training", "--docker-host", noEngine});

        String apiKey = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        ControlPlaneSimulator simulator = ControlPlaneSimulator.builder().port(0).agent(AGENT_ID, apiKey).start();
        env.put("API_KEY", apiKey);
        Thread.ofPlatform().name("training-agent").start(() -> new DockerAgentMain(env, quiet, quiet)
                .execute(new String[] {"run", "--agent-id", AGENT_ID, "--control-plane-url",
                        simulator.webSocketBaseUrl().toString(), "--docker-host", noEngine, "--outbox-dir",
                        work.resolve("outbox").toString(), "--status-port", "0", "--heartbeat-interval", "1"}));
        int exit = 1;
        try {
            simulator.awaitMessage(AGENT_ID, m -> m.isAccepted("heartbeat"), STEP_TIMEOUT);
            String command = simulator.sendCommand(AGENT_ID, "start_session", Map.of("sessionId", "training-1",
                    "user", "training", "template", "training", "memory", "64Mi", "cpu", "250m"));
            simulator.awaitMessage(AGENT_ID, m -> m.isAccepted("failed") || m.isAccepted("complete"), STEP_TIMEOUT);
            simulator.awaitMessage(AGENT_ID, m -> m.isAccepted("heartbeat") && m.receivedAt().isAfter(
                    simulator.received(AGENT_ID).get(0).receivedAt()), STEP_TIMEOUT);
            System.err.println("archive training: agent heartbeat and command " + command + " done");
            exit = 0;
        } catch (RuntimeException e) {
            System.err.println("archive training: " + e);
        }
        // System.exit runs the agent's shutdown hook (a graceful stop); the JVM writes the archive as it exits
        System.exit(exit);
    }
}
