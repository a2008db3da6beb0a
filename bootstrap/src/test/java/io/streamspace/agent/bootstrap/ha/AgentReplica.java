package io.streamspace.agent.bootstrap.ha;

import io.streamspace.agent.bootstrap.DockerSocketProxy;
import io.streamspace.agent.bootstrap.AgentJarProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
    final AgentJarProcess agent;
    final Process process;
    final DockerSocketProxy docker;
    final List<Line> out;
    private volatile Instant signalledAt;

    private AgentReplica(String instanceId, AgentJarProcess agent, DockerSocketProxy docker, List<Line> out) {
        this.instanceId = instanceId;
        this.agent = agent;
        this.process = agent.process();
        this.docker = docker;
        this.out = out;
    }

    static AgentReplica start(Path jar, String instanceId, DockerSocketProxy docker, Map<String, String> env,
                              List<String> args) throws IOException {
        List<Line> out = new CopyOnWriteArrayList<>();
        AgentJarProcess agent = AgentJarProcess.builder().jar(jar)
                .jvmOptions("-XX:TieredStopAtLevel=1", // starts faster; three JVMs share two cores
                        "-Xshare:auto")
                .args(args).args("--instance-id=" + instanceId, "--docker-host=" + docker.uri())
                .scrubEnv(AgentJarProcess.AGENT_SETTINGS.or(k -> k.equals("NETWORK_NAME")
                        || k.equals("OUTBOX_DIR") || k.equals("DOCKER_HOST") || k.equals("ENABLE_HA")
                        || k.equals("REDIS_URL") || k.equals("INSTANCE_ID") || k.startsWith("LEADER_")
                        || k.equals("LOCK_FILE_PATH") || k.equals("LOG_FORMAT")))
                .env(env).redirectErrorStream().stopGracefully(Duration.ofSeconds(15)).name(instanceId)
                .onLine(line -> {
                    Matcher m = STAMP.matcher(line);
                    out.add(new Line(m.find() ? Instant.parse(m.group(1)) : Instant.now(), line));
                })
                .start();
        return new AgentReplica(instanceId, agent, docker, out);
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
        agent.sigkill();
        return at;
    }

    /** SIGTERM; returns the instant it was sent. */
    Instant sigterm() {
        Instant at = Instant.now();
        signalledAt = at;
        agent.sigterm();
        return at;
    }

    /** SIGSTOP: the whole JVM stands still (as on a stalled host) until {@link #thaw()}. */
    void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    void awaitExit(Duration timeout) throws InterruptedException {
        if (!agent.waitFor(timeout)) {
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
            agent.close();
        } finally {
            docker.close();
        }
    }
}
