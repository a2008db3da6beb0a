package io.streamspace.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * The shaded jar ({@code bootstrap/target/docker-agent.jar}) run as an operator runs it: a separate JVM with its own
 * flags, environment and exit code, its output collected line by line by a virtual thread per stream.
 *
 * <p>Signals go through the process handle ({@link #sigterm()}, {@link #sigkill()}): {@code Process.destroy*} would
 * also close our ends of its pipes, and the output the agent writes while it stops would be lost.
 */
public final class AgentJarProcess implements AutoCloseable {

    /** The jar the build's failsafe run points {@code agent.jar} at. */
    public static final Path JAR = Path.of(System.getProperty("agent.jar", "target/docker-agent.jar"));

    /** The agent's own settings a developer may have exported: a test starts from none of them. */
    public static final Predicate<String> AGENT_SETTINGS = k -> k.startsWith("AGENT_") || k.equals("API_KEY")
            || k.equals("CONTROL_PLANE_URL") || k.equals("LOG_LEVEL");

    private static final Duration KILL_WAIT = Duration.ofSeconds(15);

    private final Process process;
    private final boolean mergedOutput;
    private final Duration stopGrace;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();

    private AgentJarProcess(Builder builder) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(builder.jvmOptions);
        command.add("-jar");
        command.add(builder.jar.toString());
        command.addAll(builder.args);
        ProcessBuilder processBuilder = new ProcessBuilder(command).redirectErrorStream(builder.mergeOutput);
        processBuilder.environment().keySet().removeIf(builder.scrub);
        processBuilder.environment().putAll(builder.env);
        this.mergedOutput = builder.mergeOutput;
        this.stopGrace = builder.stopGrace;
        this.process = processBuilder.start();
        pump(builder.name + "-out", process.getInputStream(), out, builder.onLine);
        if (!mergedOutput) {
            pump(builder.name + "-err", process.getErrorStream(), err, builder.onLine);
        }
    }

    /** The jar with {@code env} on top of this JVM's environment less {@link #AGENT_SETTINGS}, stdout and stderr apart. */
    public static AgentJarProcess start(Map<String, String> env, String... args) throws IOException {
        return builder().env(env).args(args).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void pump(String name, InputStream stream, List<String> lines, Consumer<String> onLine) {
        Thread.ofVirtual().name("pump-" + name).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    onLine.accept(line);
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Standard output so far (with standard error when the builder merged them). */
    public List<String> out() {
        return out;
    }

    /** Standard error so far; always empty when the builder merged it into {@link #out()}. */
    public List<String> err() {
        return err;
    }

    /** Everything so far: standard output, then standard error. */
    public String all() {
        return mergedOutput ? String.join("\n", out) : String.join("\n", out) + "\n" + String.join("\n", err);
    }

    /** The first line of {@link #out()} in which {@code pattern} is found, waiting for it up to {@code timeout}. */
    public String awaitOutput(Pattern pattern, Duration timeout) {
        return Awaitility.await("output line matching " + pattern + ", output so far:\n" + all())
                .atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> out.stream().filter(l -> pattern.matcher(l).find()).findFirst().orElse(null),
                        Objects::nonNull);
    }

    /** SIGTERM, through the handle. */
    public void sigterm() {
        process.toHandle().destroy();
    }

    /** SIGKILL, through the handle. */
    public void sigkill() {
        process.toHandle().destroyForcibly();
    }

    /** Whether the process ended within {@code timeout}. */
    public boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exit code, asserting that the process ends within {@code timeout}. */
    public int exitCode(Duration timeout) throws InterruptedException {
        assertThat(waitFor(timeout)).as("process ended").isTrue();
        return process.exitValue();
    }

    /**
     * Ends the process if it still runs: SIGKILL, or first SIGTERM and the builder's grace period when it set one.
     */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            if (stopGrace != null) {
                sigterm();
                if (waitFor(stopGrace)) {
                    return;
                }
            }
            sigkill();
            waitFor(KILL_WAIT);
        } catch (InterruptedException e) {
            sigkill();
            Thread.currentThread().interrupt();
        }
    }

    /** How to start the jar; every option has the default {@link #start(Map, String...)} uses. */
    public static final class Builder {
        private Path jar = JAR;
        private final List<String> jvmOptions = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Predicate<String> scrub = AGENT_SETTINGS;
        private boolean mergeOutput;
        private Duration stopGrace;
        private String name = "agent";
        private Consumer<String> onLine = line -> { };

        private Builder() {
        }

        public Builder jar(Path jar) {
            this.jar = jar;
            return this;
        }

        /** Options for the JVM, before {@code -jar}. */
        public Builder jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /** Arguments for the agent, after the jar. */
        public Builder args(String... args) {
            return args(List.of(args));
        }

        public Builder args(List<String> args) {
            this.args.addAll(args);
            return this;
        }

        /** Variables set on top of this JVM's environment, after the scrubbing. */
        public Builder env(Map<String, String> env) {
            this.env.putAll(env);
            return this;
        }

        /** Which of this JVM's variables the agent does not inherit; {@link #AGENT_SETTINGS} unless set. */
        public Builder scrubEnv(Predicate<String> names) {
            this.scrub = names;
            return this;
        }

        /** {@link #AGENT_SETTINGS} and these variables are not inherited. */
        public Builder scrubAlso(String... names) {
            return scrubEnv(AGENT_SETTINGS.or(Set.of(names)::contains));
        }

        /** Standard error into standard output ({@link #out()}), in the order the agent wrote them. */
        public Builder redirectErrorStream() {
            this.mergeOutput = true;
            return this;
        }

        /** {@link #close()} sends SIGTERM first and waits this long before SIGKILL. */
        public Builder stopGracefully(Duration grace) {
            this.stopGrace = grace;
            return this;
        }

        /** Names the pump threads. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Called on the pump thread with every line as it is read, before it is added to the output. */
        public Builder onLine(Consumer<String> onLine) {
            this.onLine = onLine;
            return this;
        }

        public AgentJarProcess start() throws IOException {
            return new AgentJarProcess(this);
        }
    }
}
