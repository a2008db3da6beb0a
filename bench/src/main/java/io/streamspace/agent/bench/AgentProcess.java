package io.streamspace.agent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The agent as an operator runs it: {@code java [opts] -jar docker-agent.jar run ...} in its own JVM. */
final class AgentProcess implements AutoCloseable {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Pattern COMMITTED = Pattern.compile("(?:committed|total) (\\d+)K");

    final String agentId;
    final String network;
    final int maxParallelStarts;
    final List<String> jvmOptions;
    final Path log;
    private final Process process;

    private AgentProcess(String agentId, String network, int maxParallelStarts, List<String> jvmOptions, Path log,
                         Process process) {
        this.agentId = agentId;
        this.network = network;
        this.maxParallelStarts = maxParallelStarts;
        this.jvmOptions = jvmOptions;
        this.log = log;
        this.process = process;
    }

    static AgentProcess launch(Path java, Path jar, List<String> jvmOptions, String agentId, String apiKey,
                               String controlPlaneUrl, String network, int maxParallelStarts, Path workDir)
            throws IOException {
        Path outbox = Files.createDirectories(workDir.resolve("outbox-" + agentId));
        Path log = workDir.resolve("agent-" + agentId + ".log");
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "run",
                "--agent-id", agentId,
                "--control-plane-url", controlPlaneUrl,
                "--network", network,
                "--max-parallel-starts", Integer.toString(maxParallelStarts),
                "--outbox-dir", outbox.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().put("API_KEY", apiKey);
        // A clean environment for the settings the agent reads, so the shell running the bench cannot skew it.
        for (String variable : List.of("MAX_PARALLEL_STARTS", "NETWORK_NAME", "CONFIG_FILE", "ENABLE_HA",
                "LOG_LEVEL", "MAX_SESSIONS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            pb.environment().remove(variable);
        }
        return new AgentProcess(agentId, network, maxParallelStarts, jvmOptions, log, pb.start());
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
        String first = out.lines().filter(l -> l.contains("used")).findFirst().orElse(out.strip());
        Matcher used = USED.matcher(first);
        Matcher committed = COMMITTED.matcher(first);
        return new Heap(used.find() ? Long.parseLong(used.group(1)) : -1,
                committed.find() ? Long.parseLong(committed.group(1)) : -1, first.strip());
    }

    private String run(Path jcmd, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), what).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + what + " failed: " + out);
        }
        return out;
    }

    record Heap(long usedKiB, long committedKiB, String line) {}

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
