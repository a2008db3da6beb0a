package io.streamspace.agent.bootstrap.ha;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * One agent replica: the shaded jar as its own JVM with its own instance id, outbox and Docker socket proxy. Signals go
 * through the process handle ({@code Process.destroy*} would also close our ends of its pipes).
 */
final class AgentReplica implements AutoCloseable {

    /** The log's own timestamp (ms, UTC) at the start of every line. */
    private static final Pattern STAMP = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) ");

    /** A line of output and when the agent logged it (its own timestamp, or when we read it for other lines). */
    record Line(Instant at, String text) {
    }

    final String instanceId;
    final Process process;
    final DockerSocketProxy docker;
    final List<Line> out = new CopyOnWriteArrayList<>();
    private volatile Instant signalledAt;

    private AgentReplica(String instanceId, Process process, DockerSocketProxy docker) {
        this.instanceId = instanceId;
        this.process = process;
        this.docker = docker;
        Thread.ofVirtual().name("pump-" + instanceId).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    Matcher m = STAMP.matcher(line);
                    out.add(new Line(m.find() ? Instant.parse(m.group(1)) : Instant.now(), line));
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    static AgentReplica start(Path jar, String instanceId, DockerSocketProxy docker, Map<String, String> env,
                              List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-XX:TieredStopAtLevel=1"); // starts faster; three JVMs share two cores
        command.add("-Xshare:auto");
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        command.add("--instance-id=" + instanceId);
        command.add("--docker-host=" + docker.uri());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("AGENT_") || k.equals("API_KEY")
                || k.equals("CONTROL_PLANE_URL") || k.equals("LOG_LEVEL") || k.equals("NETWORK_NAME")
                || k.equals("OUTBOX_DIR") || k.equals("DOCKER_HOST") || k.equals("ENABLE_HA")
                || k.equals("REDIS_URL") || k.equals("INSTANCE_ID") || k.startsWith("LEADER_")
                || k.equals("LOCK_FILE_PATH") || k.equals("LOG_FORMAT"));
        builder.environment().putAll(env);
        return new AgentReplica(instanceId, builder.start(), docker);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** When we sent SIGKILL or SIGTERM, or {@code null}. */
    Instant signalledAt() {
        return signalledAt;
    }

    /** SIGKILL; returns the instant it was sent. */
    Instant kill9() {
        Instant at = Instant.now();
        signalledAt = at;
        process.toHandle().destroyForcibly();
        return at;
    }

    /** SIGTERM; returns the instant it was sent. */
    Instant sigterm() {
        Instant at = Instant.now();
        signalledAt = at;
        process.toHandle().destroy();
        return at;
    }

    void awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(instanceId + " did not exit within " + timeout + "\n" + output());
        }
    }

    boolean logged(String fragment) {
        return out.stream().anyMatch(l -> l.text().contains(fragment));
    }

    Line awaitLine(String fragment, Duration timeout) {
        return Awaitility.await(instanceId + " logs '" + fragment + "'").atMost(timeout)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> out.stream().filter(l -> l.text().contains(fragment)).findFirst().orElse(null),
                        l -> l != null);
    }

    String output() {
        StringBuilder sb = new StringBuilder("---- ").append(instanceId).append(" ----\n");
        out.forEach(l -> sb.append(l.text()).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                process.toHandle().destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.toHandle().destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            docker.close();
        }
    }
}
