package io.streamspace.agent.bootstrap.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class AgentLoggersTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stdout;
    private PrintStream stderr;

    @BeforeEach
    void captureConsole() {
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(stdout);
        System.setErr(stderr);
        AgentLoggers.configure("info", "text", false);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void slf4jFindsTheAgentsProvider() {
        assertThat(LoggerFactory.getILoggerFactory()).isSameAs(AgentLoggers.INSTANCE);
    }

    @Test
    void textLinesCarryUtcTimeLevelAndComponent() {
        AgentLoggers.configure("info", "text", false);

        LoggerFactory.getLogger("DockerAgent").info("Registered {} with {} slots", "agent-1", 4);

        assertThat(stdout()).matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[DockerAgent] Registered agent-1 with 4 slots\n");
    }

    @Test
    void anErrorsStackTraceFollowsItsLine() {
        AgentLoggers.configure("info", "text", false);

        LoggerFactory.getLogger("DockerAgent").error("Start failed for {}", "s-1", new IllegalStateException("boom"));

        String[] lines = stdout().split("\n");
        assertThat(lines[0]).endsWith("ERROR [DockerAgent] Start failed for s-1");
        assertThat(lines[1]).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(lines[2]).startsWith("\tat io.streamspace.agent.bootstrap.logging.AgentLoggersTest.");
    }

    @Test
    void jsonLinesAreOneObjectEachWithEscapedText() throws Exception {
        AgentLoggers.configure("info", "json", false);

        Logger log = LoggerFactory.getLogger("DockerAgent");
        log.warn("quote \" backslash \\ newline \n tab \t bell \u0007 done");
        log.error("failed", new IllegalArgumentException("bad \"input\""));

        String[] lines = stdout().split("\n");
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode warn = json.readTree(lines[0]);
        assertThat(warn.get("level").asText()).isEqualTo("WARN");
        assertThat(warn.get("loggerName").asText()).isEqualTo("DockerAgent");
        assertThat(warn.get("threadName").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(warn.get("message").asText()).isEqualTo("quote \" backslash \\ newline \n tab \t bell \u0007 done");
        assertThat(warn.get("timestamp").asLong()).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(60_000L));
        assertThat(warn.has("throwable")).isFalse();
        JsonNode error = json.readTree(lines[1]);
        assertThat(error.get("throwable").asText()).startsWith("java.lang.IllegalArgumentException: bad \"input\"\n\tat ");
    }

    @Test
    void theLevelFiltersAndLibrariesStayAtWarnUnderDebug() {
        AgentLoggers.configure("debug", "text", false);
        Logger agent = LoggerFactory.getLogger("DockerAgent");
        Logger library = LoggerFactory.getLogger("com.github.dockerjava.core.Something");
        Logger lookalike = LoggerFactory.getLogger("com.github.dockerjavafan");

        agent.debug("agent debug");
        library.debug("library debug");
        library.warn("library warn");
        lookalike.debug("lookalike debug");

        assertThat(stdout()).contains("agent debug", "library warn", "lookalike debug").doesNotContain("library debug");

        AgentLoggers.configure("trace", "text", false);
        library.debug("library at trace");
        AgentLoggers.configure("warn", "text", false);
        agent.info("agent info at warn");
        AgentLoggers.configure("off", "text", false);
        agent.error("nothing at off");

        assertThat(stdout()).contains("library at trace").doesNotContain("agent info at warn", "nothing at off");
    }

    @Test
    void anUnknownLevelMeansInfo() {
        AgentLoggers.configure("loud", "text", false);
        Logger agent = LoggerFactory.getLogger("DockerAgent");

        assertThat(agent.isInfoEnabled()).isTrue();
        assertThat(agent.isDebugEnabled()).isFalse();
    }

    @Test
    void standardErrorKeepsStdoutFree() {
        AgentLoggers.configure("info", "json", true);

        LoggerFactory.getLogger("DockerAgent").info("to stderr");

        assertThat(stdout()).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("\"message\":\"to stderr\"");
    }

    @Test
    void watchersSeeEveryWrittenLineUntilClosed() throws Exception {
        AgentLoggers.configure("info", "text", false);
        List<LogEvent> seen = new ArrayList<>();
        Logger log = LoggerFactory.getLogger("DockerAgent");

        try (AutoCloseable watching = AgentLoggers.watch(seen::add)) {
            log.info("one {}", 1);
            log.debug("filtered");
        }
        log.info("after");

        assertThat(seen).extracting(LogEvent::message).containsExactly("one 1");
        assertThat(seen.get(0).logger()).isEqualTo("DockerAgent");
    }

    @Test
    void theJdksSystemLoggerReachesTheSameLines() {
        AgentLoggers.configure("info", "text", false);

        System.getLogger("DockerAgent").log(System.Logger.Level.INFO, "via {0}", "System.Logger");

        assertThat(stdout()).contains("INFO  [DockerAgent] via System.Logger");
    }
}
