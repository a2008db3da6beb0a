package io.streamspace.agent.bench;

import static io.streamspace.agent.bench.BenchEnv.ms;
import static io.streamspace.agent.bench.BenchEnv.progress;

import io.streamspace.agent.bench.Report.Figure;
import io.streamspace.agent.bench.Report.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Point 5: from launching {@code bin/docker-agent run} to the simulator receiving its first heartbeat, against the
 * same launcher, JVM and flags starting and exiting a trivial program; with and without the class-data archive
 * (an AOT cache on Java >= 25, AppCDS before).
 */
final class StartupSection {

    private final BenchEnv env;
    private final Report report;
    private final int reps;
    private final Optional<Path> compareJar;

    /** {@code compareJar}: another build's jar (its archive beside it), launched in turn with this one. */
    StartupSection(BenchEnv env, Report report, int reps, Optional<Path> compareJar) {
        this.env = env;
        this.report = report;
        this.reps = reps;
        this.compareJar = compareJar;
    }

    void run() throws Exception {
        Path trivialJar = env.mainJar(Trivial.class); // opens a jar like the agent, loads nothing else
        boolean archive = Files.isRegularFile(archiveOf(env.launch.jar()));
        List<Double> withCds = new ArrayList<>();
        List<Double> withoutCds = new ArrayList<>();
        List<Double> trivial = new ArrayList<>();
        List<Double> compared = new ArrayList<>();
        progress("start-up: %d repetitions (archive %s)%s", reps, archive ? "present" : "absent",
                compareJar.map(jar -> ", each beside " + jar).orElse(""));
        for (int i = 0; i < reps; i++) {
            trivial.add(trivial(trivialJar));
            withCds.add(toHeartbeat(env.launch));
            compareJar.ifPresent(jar -> compared.add(uncheckedToHeartbeat(env.launch.withJar(jar))));
            withoutCds.add(toHeartbeat(env.launch.withCds(false)));
        }
        if (compareJar.isPresent()) {
            report.add(new Figure("5", "start-up, this build (A/B)", "ms", withCds, "the build of "
                    + compareJar.get() + ", launched in turn", compared, Kind.NONE, 0));
        }
        String kind = archive ? " (" + archiveKind(env.launch.jar()) + ")" : "";
        report.add(new Figure("5", "start-up: launch → first accepted heartbeat" + kind,
                "ms", withCds, "trivial program, same launcher and flags", trivial, Kind.RATIO, 3.0));
        report.add(new Figure("5", "start-up without the class-data archive", "ms", withoutCds, "trivial program",
                trivial, Kind.NONE, 0));
        report.line("### Start-up (point 5)");
        report.line("");
        report.line("From starting `bin/docker-agent run` to the simulator receiving the agent's first heartbeat (it"
                + " registers over HTTP and opens the WebSocket while its leader thread reads the engine version,"
                + " then sends the heartbeat with the engine's count of running sessions), %d"
                + " times each, interleaved: with the class-data archive (`%s`, written by `bin/docker-agent"
                + " --write-cds-archive`)%s, and without. Baseline: the same launcher, JVM and flags running a class"
                + " whose `main` is empty (its own small jar) until the process exits.",
                reps, archiveOf(env.launch.jar()).getFileName(), archive ? "" : " — **absent in this run**");
        report.line("");
        report.line("Samples (ms): with archive %s; without %s; trivial %s.", Report.join(withCds),
                Report.join(withoutCds), Report.join(trivial));
        if (compareJar.isPresent()) {
            report.line("");
            report.line("Compared build, launched after each with-archive start (ms): %s.", Report.join(compared));
        }
        report.line("");
    }

    static String archiveKind(Path jar) {
        return archiveOf(jar).toString().endsWith(".aot") ? "AOT cache" : "AppCDS";
    }

    /** The class-data archive the launcher uses: an AOT cache ({@code .aot}, Java >= 25) or an AppCDS archive. */
    static Path archiveOf(Path jar) {
        String name = jar.getFileName().toString();
        String stem = name.substring(0, name.length() - ".jar".length());
        Path aot = jar.resolveSibling(stem + ".aot");
        return Files.isRegularFile(aot) ? aot : jar.resolveSibling(stem + ".jsa");
    }

    private double toHeartbeat(AgentProcess.Launch how) throws Exception {
        String id = env.newAgentId("up");
        Instant launched = Instant.now();
        AgentProcess agent = env.launchAgent(how, id);
        try {
            Instant heartbeat = env.awaitHeartbeat(agent, Duration.ofSeconds(120));
            return Duration.between(launched, heartbeat).toNanos() / 1e6;
        } finally {
            agent.close();
        }
    }

    private double uncheckedToHeartbeat(AgentProcess.Launch how) {
        try {
            return toHeartbeat(how);
        } catch (Exception e) {
            throw new IllegalStateException("the compared build did not start: " + e.getMessage(), e);
        }
    }

    private double trivial(Path jar) throws Exception {
        ProcessBuilder pb = env.launch.withJar(jar).command(List.of()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long t = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("the trivial program did not exit cleanly");
        }
        return ms(System.nanoTime() - t);
    }
}
