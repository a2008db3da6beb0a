package io.streamspace.agent.bench;

import com.github.dockerjava.api.DockerClient;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.testkit.controlplane.CommandState;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * What every section shares: the engine clients, the control-plane simulator, the run id and directory, how to
 * launch agents, the session workload, and the cleanup of everything the run created (by label).
 */
final class BenchEnv implements AutoCloseable {

    static final String KEY = "0123456789abcdef".repeat(4);
    static final Duration WAIT = Duration.ofMinutes(3);

    final String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    final boolean quick;
    final Path out;
    final AgentProcess.Launch launch;
    final DockerClients clients;
    final DockerClient docker;
    final ControlPlaneSimulator controlPlane;
    final RawEngine raw;
    final RawEngine.Workload workload;
    private final List<String> agentIds = new CopyOnWriteArrayList<>();
    private final List<AgentProcess> agents = new CopyOnWriteArrayList<>();
    private final AtomicInteger sessionCounter = new AtomicInteger();
    private final AtomicInteger agentCounter = new AtomicInteger();
    private final int sessionBase = ThreadLocalRandom.current().nextInt(0x1000) << 16;
    private volatile boolean closed;

    BenchEnv(boolean quick, Path out, AgentProcess.Launch launch, String dockerHost, String image) {
        this.quick = quick;
        this.out = out;
        this.launch = launch;
        this.clients = DockerClients.create(dockerHost);
        this.docker = clients.requests();
        this.workload = new RawEngine.Workload(image, "bench", "vnc", 256L * 1024 * 1024, "256Mi", 250, "250m", 5900,
                512, "/config");
        docker.inspectImageCmd(image).exec(); // fails fast when scripts/setup-env.sh has not run
        // The bench starts agents faster than the control plane's 60 registrations and connects a minute allow (the
        // start-up section with --startup-compare: three a second); that limit's answer is the tests' business, and
        // here it only added a 60 s wait to every thirtieth start.
        this.controlPlane = ControlPlaneSimulator.builder().port(0).rateLimitPerMinute(100_000).start();
        this.raw = new RawEngine(docker, runId, "ssbench-" + runId + "-raw");
        raw.createNetwork();
    }

    /** A fresh agent id of this run, known to the simulator; removed by label at the end. */
    String newAgentId(String what) {
        String id = "bench-" + runId + "-" + what + agentCounter.incrementAndGet();
        controlPlane.addAgent(id, KEY);
        agentIds.add(id);
        return id;
    }

    AgentProcess launchAgent(AgentProcess.Launch how, String agentId, String... extraArgs) throws IOException {
        AgentProcess agent = AgentProcess.launch(how, agentId, KEY, controlPlane.webSocketBaseUrl().toString(),
                "ssbench-" + runId + "-" + agentId.substring(agentId.lastIndexOf('-') + 1), out, extraArgs);
        agents.add(agent);
        return agent;
    }

    /** Stopped (SIGTERM) when the run ends, like the agents this class launches. */
    void track(AgentProcess agent) {
        agents.add(agent);
    }

    /** Launches with the launcher's defaults and waits for the first heartbeat. */
    AgentProcess startAgent(String what, String... extraArgs) throws IOException {
        AgentProcess agent = launchAgent(launch, newAgentId(what), extraArgs);
        awaitHeartbeat(agent, Duration.ofSeconds(120));
        return agent;
    }

    /** The arrival time of the agent's first accepted heartbeat. */
    Instant awaitHeartbeat(AgentProcess agent, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Instant> first = controlPlane.received(agent.agentId).stream()
                    .filter(m -> m.isAccepted("heartbeat")).map(ReceivedMessage::receivedAt).findFirst();
            if (first.isPresent()) {
                return first.get();
            }
            if (!agent.alive()) {
                throw new IllegalStateException("agent " + agent.agentId + " exited; see " + agent.log);
            }
            sleepQuietly(2);
        }
        throw new IllegalStateException("no heartbeat from " + agent.agentId + " within " + timeout);
    }

    String nextSessionId() {
        return "bench-vnc-" + String.format(Locale.ROOT, "%08x", sessionBase + sessionCounter.incrementAndGet());
    }

    Map<String, Object> startPayload(String sessionId) {
        Map<String, Object> port = Map.of("name", "vnc", "containerPort", workload.vncPort(), "protocol", "TCP");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("displayName", "Bench VNC");
        spec.put("baseImage", workload.image());
        spec.put("defaultResources", Map.of("memory", workload.memory(), "cpu", workload.cpu()));
        spec.put("ports", List.of(port));
        spec.put("vnc", Map.of("enabled", true, "port", workload.vncPort()));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("sessionId", sessionId);
        payload.put("user", workload.user());
        payload.put("template", workload.template());
        payload.put("templateManifest", Map.of("apiVersion", "stream.space/v1alpha1", "kind", "Template",
                "metadata", Map.of("name", workload.template(), "namespace", "streamspace"), "spec", spec));
        payload.put("namespace", "streamspace");
        payload.put("memory", workload.memory());
        payload.put("cpu", workload.cpu());
        payload.put("persistentHome", true);
        payload.put("idleTimeout", "");
        payload.put("maxSessionDuration", "");
        payload.put("tags", null);
        return payload;
    }

    String sendStart(String agentId, String sessionId) {
        return controlPlane.sendCommand(agentId, "start_session", startPayload(sessionId));
    }

    String sendStop(String agentId, String sessionId) {
        return controlPlane.sendCommand(agentId, "stop_session", Map.of("sessionId", sessionId,
                "namespace", "streamspace"));
    }

    CommandState complete(String commandId) {
        try {
            return controlPlane.awaitCommandStatus(commandId, CommandState.Status.COMPLETED, WAIT);
        } catch (AssertionError e) {
            CommandState state = controlPlane.commandState(commandId);
            throw new IllegalStateException("command " + commandId + " did not complete: "
                    + (state == null ? "unknown" : state.status() + " " + state.error()), e);
        }
    }

    String agentStart(AgentProcess agent) {
        String sessionId = nextSessionId();
        complete(sendStart(agent.agentId, sessionId));
        return sessionId;
    }

    void agentStop(AgentProcess agent, String sessionId) {
        complete(sendStop(agent.agentId, sessionId));
    }

    /** Starts {@code n} sessions at once (all commands sent, then all awaited); returns their ids. */
    List<String> agentStartAll(AgentProcess agent, int n) {
        List<String> sessions = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String s = nextSessionId();
            sessions.add(s);
            commands.add(sendStart(agent.agentId, s));
        }
        commands.forEach(this::complete);
        return sessions;
    }

    void agentStopAll(AgentProcess agent, List<String> sessions) {
        List<String> commands = new ArrayList<>();
        for (String s : sessions) {
            commands.add(sendStop(agent.agentId, s));
        }
        commands.forEach(this::complete);
    }

    /** Resident memory of a process in MiB (VmRSS). */
    static double rssMiB(AgentProcess agent) throws IOException {
        return agent.rssKiB(false) / 1024.0;
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench %tT] " + format + "%n", prepend(java.time.LocalTime.now(), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** Stops the agents, then removes every container, volume and network of this run, by label. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AgentProcess agent : agents) {
            try {
                agent.close();
            } catch (InterruptedException | RuntimeException e) {
                progress("could not stop agent %s: %s", agent.agentId, e);
            }
        }
        controlPlane.stop();
        try {
            progress("cleanup %s=%s: %s", RawEngine.BENCH_LABEL, runId,
                    RawEngine.removeLabelled(docker, RawEngine.BENCH_LABEL, runId));
            for (String id : agentIds) {
                RawEngine.removeLabelled(docker, "streamspace.agent.id", id);
            }
        } catch (RuntimeException e) {
            progress("cleanup failed (remove objects labelled %s=%s or streamspace.agent.id=bench-%s-* by hand): %s",
                    RawEngine.BENCH_LABEL, runId, runId, e);
        }
        clients.close();
    }

    /**
     * A jar in {@link #out} holding only {@code main} (a class without dependencies) as its Main-Class: a baseline
     * program the agent's launcher runs with the agent's flags ({@link AgentProcess.Launch#withJar}).
     */
    Path mainJar(Class<?> main) throws IOException {
        Path jar = out.resolve(main.getSimpleName().toLowerCase(Locale.ROOT) + ".jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
        String entry = main.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream jarOut = new JarOutputStream(file, manifest);
             InputStream in = main.getClassLoader().getResourceAsStream(entry)) {
            jarOut.putNextEntry(new JarEntry(entry));
            in.transferTo(jarOut);
            jarOut.closeEntry();
        }
        return jar;
    }
}
