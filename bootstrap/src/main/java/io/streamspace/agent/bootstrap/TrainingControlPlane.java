package io.streamspace.agent.bootstrap;

import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import java.time.Duration;
import java.util.Map;

/**
 * The control plane of the archive training ({@link ArchiveTraining}), in a JVM of its own: the training JVM records
 * every class it loads into the AOT cache, and every agent started with that cache loads all of them at start-up
 * (JEP 483). With the simulator in the training JVM, each agent carried its Jetty WebSocket server and the testkit
 * (~700 classes) for its whole life. Not a role: {@link ArchiveTraining} starts it with {@code -cp}.
 *
 * <p>Arguments: the agent id, its API key and the Unix socket of the training's Docker engine ({@link TrainingEngine},
 * served from here too). Prints {@value #READY} and the simulator's WebSocket base URL on one line, then plays the training's script with the agent (first heartbeat, one command answered, one more
 * heartbeat) and exits 0 when the agent went through all of it, 1 otherwise.
 */
public final class TrainingControlPlane {

    static final String READY = "training control plane at ";
    /** Prefixes the line with the outcome (its other output is the simulator's log). */
    static final String OUTCOME = "training outcome: ";
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    private TrainingControlPlane() {
    }

    public static void main(String[] args) throws java.io.IOException {
        String agentId = args[0];
        TrainingEngine.start(java.nio.file.Path.of(args[2]));
        ControlPlaneSimulator simulator = ControlPlaneSimulator.builder().port(0).agent(agentId, args[1]).start();
        System.out.println(READY + simulator.webSocketBaseUrl());
        System.out.flush();
        int exit = 1;
        try {
            simulator.awaitMessage(agentId, m -> m.isAccepted("heartbeat"), STEP_TIMEOUT);
            String command = simulator.sendCommand(agentId, "start_session", Map.of("sessionId", "training-1",
                    "user", "training", "template", "training", "memory", "64Mi", "cpu", "250m"));
            simulator.awaitMessage(agentId, m -> m.isAccepted("failed") || m.isAccepted("complete"), STEP_TIMEOUT);
            simulator.awaitMessage(agentId, m -> m.isAccepted("heartbeat") && m.receivedAt().isAfter(
                    simulator.received(agentId).get(0).receivedAt()), STEP_TIMEOUT);
            System.out.println(OUTCOME + "agent heartbeat and command " + command + " done");
            exit = 0;
        } catch (RuntimeException e) {
            System.out.println(OUTCOME + e);
        } finally {
            simulator.stop();
        }
        System.exit(exit);
    }
}
