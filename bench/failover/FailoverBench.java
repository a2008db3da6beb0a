import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import io.streamspace.agent.testkit.redis.RedisServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * Failover time of the Redis backend (issue 5, point 9). A real redis-server, the control-plane simulator and three
 * replicas of the agent jar; each trial kills the leader (SIGTERM or SIGKILL) and measures from the signal to the
 * first accepted heartbeat of the next leader at the simulator; a fresh replica replaces the dead one and the next
 * trial starts once it stands by.
 *
 * <p>Run with {@code bench/failover/run.sh}; arguments: trials per kind, lease, renew deadline, retry (Go durations).
 */
public class FailoverBench {

    static final String KEY = "c".repeat(64);
    static final Pattern BECAME = Pattern.compile("Became leader for agent: \\S+ \\(epoch (\\d+)");
    static final Pattern STAMP = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) ");

    record Line(Instant at, String text) {}

    static final class Replica {
        final String id;
        final Process process;
        final List<Line> out = new CopyOnWriteArrayList<>();

        Replica(String id, List<String> command) throws IOException {
            this.id = id;
            ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
            b.environment().keySet().removeIf(k -> k.startsWith("AGENT_") || k.equals("DOCKER_HOST"));
            b.environment().put("AGENT_API_KEY", KEY);
            b.environment().put("HEALTH_CHECK_INTERVAL", "1");
            b.environment().put("STATUS_PORT", "0"); // several replicas on one host: no fixed status port
            process = b.start();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        Matcher m = STAMP.matcher(l);
                        out.add(new Line(m.find() ? Instant.parse(m.group(1)) : Instant.now(), l));
                    }
                } catch (IOException ignored) {
                }
            });
        }

        Line became(long epoch) {
            for (Line l : out) {
                Matcher m = BECAME.matcher(l.text());
                if (m.find() && Long.parseLong(m.group(1)) == epoch) {
                    return l;
                }
            }
            return null;
        }

        boolean logged(String s) {
            return out.stream().anyMatch(l -> l.text().contains(s));
        }
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String lease = args.length > 1 ? args[1] : "3s";
        String renew = args.length > 2 ? args[2] : "2s";
        String retry = args.length > 3 ? args[3] : "500ms";
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN); // the simulator's per-message lines
        Path jar = Path.of(System.getProperty("agent.jar", "bootstrap/target/docker-agent.jar")).toAbsolutePath();
        Path work = Files.createTempDirectory("failover-bench");
        String agentId = "docker-bench-" + Long.toHexString(System.nanoTime() & 0xffffff);
        List<Replica> replicas = new ArrayList<>();
        try (RedisServerProcess redis = RedisServerProcess.start(work.resolve("redis"));
             ControlPlaneSimulator cp = ControlPlaneSimulator.builder().port(0).agent(agentId, KEY).start()) {
            int[] next = {1};
            java.util.function.Supplier<Replica> start = () -> {
                String id = "bench-" + next[0]++;
                try {
                    Path outbox = Files.createDirectories(work.resolve("outbox-" + id));
                    Replica r = new Replica(id, List.of(ProcessHandle.current().info().command().orElse("java"),
                            "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--agent-id=" + agentId,
                            "--control-plane-url=" + cp.webSocketBaseUrl(), "--enable-ha",
                            "--leader-election-backend=redis", "--redis-url=" + redis.url(), "--instance-id=" + id,
                            "--lease-duration=" + lease, "--renew-deadline=" + renew, "--retry-period=" + retry,
                            "--outbox-dir=" + outbox, "--network=ss-bench"));
                    replicas.add(r);
                    return r;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            };
            for (int i = 0; i < 3; i++) {
                start.get();
            }
            ReceivedMessage last = cp.awaitMessage(agentId, m -> m.isAccepted("heartbeat"), Duration.ofSeconds(60));
            System.out.printf("agent %s, lease %s, renew deadline %s, retry %s, %d trials per kind%n", agentId, lease,
                    renew, retry, trials);
            List<long[]> graceful = new ArrayList<>();
            List<long[]> crash = new ArrayList<>();
            for (int t = 0; t < 2 * trials; t++) {
                boolean kill9 = t % 2 == 1; // interleaved, so both kinds see the same conditions
                long epoch = last.agentEpoch();
                Replica leader = replicas.stream().filter(r -> r.process.isAlive() && r.became(epoch) != null)
                        .findFirst().orElseThrow();
                // every other replica stands by before the trial
                for (Replica r : replicas) {
                    if (r != leader && r.process.isAlive()) {
                        awaitTrue(() -> r.logged("Standing by: "), Duration.ofSeconds(60), r.id + " standing by");
                    }
                }
                int sockets = cp.connectionCount(agentId);
                Instant t0 = Instant.now();
                if (kill9) {
                    leader.process.toHandle().destroyForcibly();
                } else {
                    leader.process.toHandle().destroy();
                }
                try {
                    last = cp.awaitMessage(agentId, m -> m.isAccepted("heartbeat") && m.connectionNumber() > sockets,
                            Duration.ofSeconds(60));
                } catch (AssertionError e) {
                    for (Replica r : replicas) {
                        System.out.println("---- replica " + r.id + (r.process.isAlive() ? "" : " (ended)"));
                        List<Line> lines = List.copyOf(r.out);
                        lines.subList(Math.max(0, lines.size() - 25), lines.size())
                                .forEach(l -> System.out.println(l.text()));
                    }
                    throw e;
                }
                long toHeartbeat = Duration.between(t0, last.receivedAt()).toMillis();
                long newEpoch = last.agentEpoch();
                awaitTrue(() -> replicas.stream().anyMatch(r -> r.became(newEpoch) != null), Duration.ofSeconds(10),
                        "log of epoch " + newEpoch);
                Replica successor = replicas.stream().filter(r -> r.became(newEpoch) != null).findFirst().orElseThrow();
                long toAcquired = Duration.between(t0, successor.became(newEpoch).at()).toMillis();
                (kill9 ? crash : graceful).add(new long[] {toHeartbeat, toAcquired});
                System.out.printf("trial %2d %-8s failover %5d ms (lock acquired after %5d ms)%n", t + 1,
                        kill9 ? "kill -9" : "SIGTERM", toHeartbeat, toAcquired);
                leader.process.waitFor(30, TimeUnit.SECONDS);
                start.get();
            }
            System.out.println();
            System.out.println("| kind | trials | median | p90 | worst | best | lock acquired (median / worst) |");
            System.out.println("|---|---|---|---|---|---|---|");
            row("graceful (SIGTERM)", graceful);
            row("crash (kill -9)", crash);
        } finally {
            for (Replica r : replicas) {
                r.process.toHandle().destroyForcibly();
                r.process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static void row(String kind, List<long[]> samples) {
        long[] hb = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
        long[] acq = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
        System.out.printf("| %s | %d | %d ms | %d ms | %d ms | %d ms | %d ms / %d ms |%n", kind, hb.length,
                median(hb), hb[(int) Math.ceil(0.9 * hb.length) - 1], hb[hb.length - 1], hb[0], median(acq),
                acq[acq.length - 1]);
    }

    static long median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            synchronized (monitor) {
                monitor.wait(10); // polling a log that another thread fills
            }
        }
    }
}
