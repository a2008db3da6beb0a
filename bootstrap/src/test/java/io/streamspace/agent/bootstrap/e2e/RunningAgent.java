package io.streamspace.agent.bootstrap.e2e;

import io.streamspace.agent.bootstrap.wiring.SessionAgent;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.bootstrap.config.ConfigurationResolver;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.bootstrap.wiring.SessionAgentComponent;
import io.streamspace.agent.bootstrap.logging.AgentLoggers;
import io.streamspace.agent.bootstrap.logging.LogEvent;
import io.streamspace.agent.testkit.files.TempFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** The real session agent, wired by Dagger exactly as in production, running in this JVM for a test. */
final class RunningAgent implements AutoCloseable {

    private final SessionAgentComponent component;
    private final SessionAgent agent;
    private final List<LogEvent> logs = new ArrayList<>();
    private final AutoCloseable watching;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final Path ownOutbox; // created for this agent, removed when it closes; null when the test gave one

    private RunningAgent(AgentConfiguration config, Path ownOutbox) {
        this.ownOutbox = ownOutbox;
        watching = AgentLoggers.watch(event -> {
            synchronized (logs) {
                logs.add(event);
            }
        });
        component = SessionAgentComponent.create(config);
        agent = component.sessionAgent();
        Thread.ofPlatform().name("agent-under-test").daemon().start(() -> {
            try {
                exit.complete(agent.run());
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        });
    }

    static RunningAgent start(String agentId, String controlPlaneUrl, String apiKey, Map<Setting, String> extra)
            throws Exception {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.AGENT_ID, agentId);
        flags.put(Setting.CONTROL_PLANE_URL, controlPlaneUrl);
        flags.put(Setting.API_KEY, apiKey);
        flags.put(Setting.HEARTBEAT_INTERVAL, "1");
        flags.put(Setting.STATUS_PORT, "0"); // never the default 5001: tests and agents run side by side
        Path ownOutbox = extra.containsKey(Setting.OUTBOX_DIR) ? null : TempFiles.directory("agent-outbox");
        if (ownOutbox != null) {
            flags.put(Setting.OUTBOX_DIR, ownOutbox.toString());
        }
        flags.putAll(extra);
        try {
            return new RunningAgent(ConfigurationResolver.resolve(flags, Map.of(), null), ownOutbox);
        } catch (RuntimeException e) {
            TempFiles.delete(ownOutbox);
            throw e;
        }
    }

    SessionAgentComponent component() {
        return component;
    }

    /** Formatted messages logged by the given logger (e.g. "DockerAgent"), in order. */
    List<String> logLines(String loggerName) {
        synchronized (logs) {
            return logs.stream().filter(e -> e.logger().equals(loggerName)).map(LogEvent::message).toList();
        }
    }

    /** Every formatted message logged so far, by any logger, in order. */
    List<String> allLogLines() {
        synchronized (logs) {
            return logs.stream().map(LogEvent::message).toList();
        }
    }

    String awaitLog(String loggerName, Predicate<String> matching, Duration timeout) {
        return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> logLines(loggerName).stream().filter(matching).findFirst().orElse(null),
                        line -> line != null);
    }

    int awaitExit(Duration timeout) throws Exception {
        return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            agent.stop();
            exit.handle((code, error) -> code).get(15, TimeUnit.SECONDS);
            watching.close();
        } finally {
            TempFiles.delete(ownOutbox);
        }
    }
}
