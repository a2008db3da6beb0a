package io.streamspace.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent as an operator runs it: through the launcher ({@code bin/docker-agent run ...}), in its own JVM, with
 * the launcher's default JVM flags unless the bench overrides them for a comparison.
 */
final class AgentProcess implements AutoCloseable {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Pattern COMMITTED = Pattern.compile("(?:committed|total) (\\d+)K");
    private static final Pattern CODE_USED = Pattern.compile("\\bused=(\\d+)Kb");

    final String agentId;
    final Path log;
    final long launchedAtNanos;
    private final Process process;

    private AgentProcess(String agentId, Path log, Process process, long launchedAtNanos) {
        this.agentId = agentId;
        this.log = log;
        this.process = process;
        this.launchedAtNanos = launchedAtNanos;
    }

    /** How to launch agents: the launcher script, the jar, the Java runtime, and optional flag overrides. */
    record Launch(Path launcher, Path jar, Path javaHome, String jvmOptsOverride, boolean cds, String extraJavaOpts,
                  String mallocArenaMax) {

        Launch withJvmOpts(String override) {
            return new Launch(launcher, jar, javaHome, override, cds, extraJavaOpts, mallocArenaMax);
        }

        Launch withCds(boolean on) {
            return new Launch(launcher, jar, javaHome, jvmOptsOverride, on, extraJavaOpts, mallocArenaMax);
        }

        /** The same launcher and flags running another jar (a baseline program's). */
        Launch withJar(Path otherJar) {
            return new Launch(launcher, otherJar, javaHome, jvmOptsOverride, cds, extraJavaOpts, mallocArenaMax);
        }

        Launch withExtraJavaOpts(String opts) {
            return new Launch(launcher, jar, javaHome, jvmOptsOverride, cds, opts, mallocArenaMax);
        }

        /** glibc's arena limit; null keeps the launcher's choice. */
        Launch withMallocArenaMax(String value) {
            return new Launch(launcher, jar, javaHome, jvmOptsOverride, cds, extraJavaOpts, value);
        }

        /** A process builder for {@code launcher args...} with this launch's environment. */
        ProcessBuilder command(List<String> args) {
            List<String> command = new ArrayList<>();
            command.add(launcher.toString());
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command);
            Map<String, String> env = pb.environment();
            // A clean environment for what the launcher and the agent read, so the shell running the bench cannot
            // skew it.
            for (String variable : List.of("MAX_PARALLEL_STARTS", "NETWORK_NAME", "CONFIG_FILE", "ENABLE_HA",
                    "LOG_LEVEL", "MAX_SESSIONS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS",
                    "DOCKER_AGENT_JVM_OPTS", "DOCKER_AGENT_CDS", "DOCKER_AGENT_CDS_ARCHIVE", "MALLOC_ARENA_MAX",
                    "STATUS_PORT")) {
                env.remove(variable);
            }
            env.put("JAVA_HOME", javaHome.toString());
            env.put("DOCKER_AGENT_JAR", jar.toString());
            if (jvmOptsOverride != null) {
                env.put("DOCKER_AGENT_JVM_OPTS", jvmOptsOverride);
            }
            // BENCH_AGENT_JAVA_OPTS: flags for looking inside the agents (e.g. a JFR recording), never set by default
            String looking = System.getenv("BENCH_AGENT_JAVA_OPTS");
            String javaOpts = extraJavaOpts == null ? looking
                    : looking == null ? extraJavaOpts : extraJavaOpts + " " + looking;
            if (javaOpts != null && !javaOpts.isBlank()) {
                env.put("JAVA_OPTS", javaOpts);
            }
            env.put("DOCKER_AGENT_CDS", cds ? "auto" : "off");
            if (mallocArenaMax != null) {
                env.put("MALLOC_ARENA_MAX", mallocArenaMax);
            }
            return pb;
        }
    }

    static AgentProcess launch(Launch how, String agentId, String apiKey, String controlPlaneUrl, String network,
                               Path workDir, String... extraArgs) throws IOException {
        Path outbox = Files.createDirectories(workDir.resolve("outbox-" + agentId));
        return launch(how, agentId, apiKey, controlPlaneUrl, network, outbox, workDir, List.of(extraArgs));
    }

    static AgentProcess launch(Launch how, String agentId, String apiKey, String controlPlaneUrl, String network,
                               Path outbox, Path workDir, List<String> extraArgs) throws IOException {
        Path log = Files.createDirectories(workDir).resolve("agent-" + agentId + ".log");
        List<String> args = new ArrayList<>(List.of("run",
                "--agent-id", agentId,
                "--control-plane-url", controlPlaneUrl,
                "--network", network,
                "--outbox-dir", outbox.toString()));
        if (!extraArgs.contains("--status-port")) {
            // many agents run at once here; the status panel (default port 5001) only where a section asks for it
            args.addAll(List.of("--status-port", "off"));
        }
        args.addAll(extraArgs);
        ProcessBuilder pb = how.command(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("API_KEY", apiKey);
        long t = System.nanoTime();
        return new AgentProcess(agentId, log, pb.start(), t);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Resident set size in KiB, from /proc/<pid>/status (VmRSS), or VmHWM (peak) with {@code peak}. */
    long rssKiB(boolean peak) throws IOException {
        String key = peak ? "VmHWM:" : "VmRSS:";
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).replace("kB", "").strip());
            }
        }
        throw new IOException(key + " not in /proc/" + pid() + "/status");
    }

    /** Heap as {@code jcmd <pid> GC.heap_info} reports it (used and committed KiB), optionally after GC.run. */
    Heap heap(Path jcmd, boolean collectFirst) throws IOException, InterruptedException {
        if (collectFirst) {
            run(jcmd, "GC.run");
        }
        String out = run(jcmd, "GC.heap_info");
        // G1 prints one heap line; Serial prints one per generation: sum the heap lines, not Metaspace's.
        long usedKiB = 0;
        long committedKiB = 0;
        for (String line : out.lines().filter(l -> l.contains("used") && !l.contains("Metaspace")
                && !l.contains("class space")).toList()) {
            Matcher used = USED.matcher(line);
            Matcher committed = COMMITTED.matcher(line);
            usedKiB += used.find() ? Long.parseLong(used.group(1)) : 0;
            committedKiB += committed.find() ? Long.parseLong(committed.group(1)) : 0;
        }
        return new Heap(usedKiB, committedKiB, out.lines().findFirst().orElse("").strip());
    }

    /**
     * The JIT's code cache in use, KiB ({@code jcmd <pid> Compiler.codecache}: compiled methods and stubs, not the
     * methods' metadata): its {@code CodeCache:} line, the total also when the cache has segments (240 MiB or more).
     */
    long codeCacheUsedKiB(Path jcmd) throws IOException, InterruptedException {
        String out = run(jcmd, "Compiler.codecache");
        for (String line : out.lines().filter(l -> l.startsWith("CodeCache:")).toList()) {
            Matcher used = CODE_USED.matcher(line);
            if (used.find()) {
                return Long.parseLong(used.group(1));
            }
        }
        throw new IOException("no CodeCache: ... used=...Kb line in jcmd Compiler.codecache: " + out);
    }

    /**
     * Virtual threads alive now ({@code jcmd <pid> Thread.dump_to_file -format=json}: the JSON dump lists them, the
     * plain one does not).
     */
    int virtualThreads(Path jcmd, Path dir) throws IOException, InterruptedException {
        Path dump = Files.createTempFile(dir, "threads-", ".json");
        Files.delete(dump); // jcmd refuses to overwrite a file
        try {
            run(jcmd, "Thread.dump_to_file", "-format=json", dump.toString());
            JsonNode containers = ControlPlaneJson.MAPPER.readTree(dump.toFile()).path("threadDump")
                    .path("threadContainers");
            int virtual = 0;
            for (JsonNode container : containers) {
                for (JsonNode thread : container.path("threads")) {
                    virtual += thread.path("virtual").asBoolean(false) ? 1 : 0;
                }
            }
            return virtual;
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    private String run(Path jcmd, String... what) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid())));
        command.addAll(List.of(what));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", what) + " failed: " + out);
        }
        return out;
    }

    record Heap(long usedKiB, long committedKiB, String line) {}

    /** SIGKILL: the process dies at once, as in a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Platform threads of the process, from /proc/<pid>/task. */
    int threads() throws IOException {
        try (var s = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            return (int) s.count();
        }
    }

    /** SIGTERM (the agent's graceful stop), then SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
