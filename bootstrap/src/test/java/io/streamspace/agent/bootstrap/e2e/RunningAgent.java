package io.streamspace.agent.bootstrap.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streamspace.agent.bootstrap.wiring.SessionAgent;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.bootstrap.config.ConfigurationResolver;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.bootstrap.wiring.SessionAgentComponent;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;

/** The real session agent, wired by Dagger exactly as in production, running in this JVM for a test. */
final class RunningAgent implements AutoCloseable {

    private final SessionAgentComponent component;
    private final SessionAgent agent;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private RunningAgent(AgentConfiguration config) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logs.setContext(context);
        logs.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logs);
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
        flags.put(Setting.OUTBOX_DIR, java.nio.file.Files.createTempDirectory("agent-outbox").toString());
        flags.putAll(extra);
        return new RunningAgent(ConfigurationResolver.resolve(flags, Map.of(), null));
    }

    SessionAgentComponent component() {
        return component;
    }

    /** Formatted messages logged by the given logger (e.g. "DockerAgent"), in order. */
    List<String> logLines(String loggerName) {
        synchronized (logs) {
            return logs.list.stream().filter(e -> e.getLoggerName().equals(loggerName))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** Every formatted message logged so far, by any logger, in order. */
    List<String> allLogLines() {
        synchronized (logs) {
            return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
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
        agent.stop();
        exit.handle((code, error) -> code).get(15, TimeUnit.SECONDS);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ((Logger) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }
}
