package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import io.streamspace.agent.bootstrap.AgentJarProcess;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import io.streamspace.agent.testkit.controlplane.SessionState;
import io.streamspace.agent.testkit.files.TempFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the agent (the shaded jar, a separate JVM) in the middle of a storm of starts, then a restart
 * with the same agent id, outbox and network. Every session must end accounted for: a definitive state in the
 * control plane, at most one container, no container the control plane does not know about, and every command the
 * first process acknowledged answered ({@code complete} or {@code failed}) by the agent itself.
 */
class CrashRecoveryIT {

    private static final String KEY = "f".repeat(32) + "0123456789abcdef0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SESSIONS = 12;

    private String agentId;
    private String network;
    private Path outboxDir;
    private ControlPlaneSimulator controlPlane;
    private AgentObjects docker;
    private final List<AgentJarProcess> processes = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        agentId = "docker-crash-" + suffix;
        network = "ss-crash-" + suffix;
        outboxDir = TempFiles.directory("crash-outbox");
        controlPlane = ControlPlaneSimulator.builder().port(0).agent(agentId, KEY).start();
        docker = new AgentObjects(agentId);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (AgentJarProcess p : processes) {
                p.close();
            }
            if (!processes.isEmpty()) {
                System.out.println("---- last agent's output ----\n"
                        + String.join("\n", processes.get(processes.size() - 1).out()));
            }
        } finally {
            controlPlane.stop();
            docker.cleanup(network);
            docker.close();
            TempFiles.delete(outboxDir);
        }
    }

    private AgentJarProcess startAgent() throws IOException {
        AgentJarProcess p = AgentJarProcess.builder().scrubAlso("NETWORK_NAME", "OUTBOX_DIR").redirectErrorStream()
                .stopGracefully(Duration.ofSeconds(15))
                .env(Map.of("AGENT_API_KEY", KEY, "HEALTH_CHECK_INTERVAL", "1",
                        "OUTBOX_DIR", outboxDir.toString(), "NETWORK_NAME", network))
                .args("--agent-id=" + agentId, "--control-plane-url=" + controlPlane.webSocketBaseUrl())
                .start();
        processes.add(p);
        return p;
    }

    private long count(String type, Set<String> commandIds) {
        return controlPlane.received(agentId).stream()
                .filter(m -> m.isAccepted(type) && commandIds.contains(m.payloadText("commandId"))).count();
    }

    @Test
    void killNineInAStartStormLeavesEverySessionAccountedFor() throws Exception {
        AgentJarProcess first = startAgent();
        controlPlane.awaitConnected(agentId, WAIT);
        controlPlane.awaitMessage(agentId, m -> m.isAccepted("heartbeat"), WAIT);

        String suffix = agentId.substring(agentId.length() - 8);
        Map<String, String> commandBySession = new LinkedHashMap<>();
        long stormStart = System.nanoTime();
        for (int i = 0; i < SESSIONS; i++) {
            String session = String.format("storm%02d-echo-%s", i, suffix);
            commandBySession.put(session, controlPlane.sendCommand(agentId, "start_session",
                    AgentObjects.startPayload(session, null, null)));
        }
        Set<String> commandIds = Set.copyOf(commandBySession.values());
        // Kill while starts are in flight: after some were answered, long before all are.
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> count("complete", commandIds) + count("failed", commandIds) >= 2);
        first.sigkill();
        assertThat(first.waitFor(Duration.ofSeconds(30))).as("killed agent ended").isTrue();
        long killedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stormStart);
        Set<String> ackedByFirst = controlPlane.received(agentId).stream().filter(m -> m.isAccepted("ack"))
                .map(m -> m.payloadText("commandId")).filter(commandIds::contains).collect(Collectors.toSet());
        long answeredAtKill = count("complete", commandIds) + count("failed", commandIds);
        Map<String, List<Container>> atKill = docker.containersBySession();
        String statesAtKill = atKill.values().stream().flatMap(List::stream).map(Container::getState)
                .collect(Collectors.groupingBy(s -> s, Collectors.counting())).toString();
        System.out.printf("kill -9 after %d ms: %d/%d acked, %d answered, containers by state %s%n",
                killedAfterMs, ackedByFirst.size(), SESSIONS, answeredAtKill, statesAtKill);
        assertThat(answeredAtKill).as("the kill came before every start was answered").isLessThan(SESSIONS);

        controlPlane.awaitDisconnected(agentId, WAIT);
        int socketsBefore = controlPlane.connectionCount(agentId);
        long restart = System.nanoTime();
        startAgent();
        controlPlane.awaitConnected(agentId, WAIT);

        // Every session ends running or failed; every command the first process acknowledged is answered.
        Awaitility.await("every session settled and every acknowledged command answered").atMost(WAIT)
                .pollInterval(Duration.ofMillis(50)).until(() -> commandBySession.entrySet().stream().allMatch(e -> {
                    SessionState s = controlPlane.sessionState(e.getKey());
                    CommandState c = controlPlane.commandState(e.getValue());
                    boolean settled = s != null && Set.of("running", "failed").contains(s.state());
                    boolean answered = !ackedByFirst.contains(e.getValue())
                            || c.status() == CommandState.Status.COMPLETED || c.status() == CommandState.Status.FAILED;
                    return settled && answered;
                }));
        long settledMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restart);

        Map<String, List<Container>> containers = docker.containersBySession();
        int running = 0;
        int failed = 0;
        for (Map.Entry<String, String> e : commandBySession.entrySet()) {
            String session = e.getKey();
            SessionState state = controlPlane.sessionState(session);
            CommandState command = controlPlane.commandState(e.getValue());
            List<Container> mine = containers.getOrDefault(session, List.of());
            assertThat(mine).as("containers of " + session).hasSizeLessThanOrEqualTo(1);
            if (state.state().equals("running")) {
                running++;
                assertThat(mine).as(session + " is running in the control plane").singleElement()
                        .satisfies(c -> assertThat(c.getState()).isEqualTo("running"));
                assertThat(command.status()).as(session + " command").isEqualTo(CommandState.Status.COMPLETED);
            } else {
                failed++;
                assertThat(mine).as(session + " failed: nothing of it is left").isEmpty();
                assertThat(command.status()).as(session + " command").isEqualTo(CommandState.Status.FAILED);
            }
        }
        assertThat(containers.keySet()).as("no container outside the storm's sessions (no orphan)")
                .isSubsetOf(commandBySession.keySet());
        // Nothing was lost or garbled on the wire: every message the agents sent was accepted.
        assertThat(controlPlane.received(agentId)).allMatch(ReceivedMessage::accepted);
        System.out.printf("after restart: settled in %d ms, %d running, %d failed, sockets %d -> %d%n", settledMs,
                running, failed, socketsBefore, controlPlane.connectionCount(agentId));

        // The control plane may start the failed ones again: that works, once per session.
        List<String> again = commandBySession.keySet().stream()
                .filter(s -> controlPlane.sessionState(s).state().equals("failed"))
                .map(s -> controlPlane.sendCommand(agentId, "start_session", AgentObjects.startPayload(s, null, null)))
                .toList();
        String duplicate = controlPlane.sendCommand(agentId, "start_session",
                AgentObjects.startPayload(commandBySession.keySet().iterator().next(), null, null));
        for (String c : again) {
            controlPlane.awaitCommandStatus(c, CommandState.Status.COMPLETED, WAIT);
        }
        controlPlane.awaitCommandStatus(duplicate, CommandState.Status.COMPLETED, WAIT);
        Map<String, List<Container>> finalContainers = docker.containersBySession();
        assertThat(finalContainers).containsOnlyKeys(commandBySession.keySet());
        finalContainers.forEach((s, cs) -> {
            assertThat(cs).as(s).singleElement().satisfies(c -> assertThat(c.getState()).isEqualTo("running"));
            assertThat(controlPlane.sessionState(s).state()).as(s).isEqualTo("running");
        });
    }
}
