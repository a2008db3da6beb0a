package io.streamspace.agent.bench;

import static io.streamspace.agent.bench.BenchEnv.progress;

import io.streamspace.agent.adapter.docker.DockerClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Every benchmark and fault drill of docs/benchmarks.md in one run ({@code scripts/bench.sh}), each figure beside
 * its baseline measured in the same run. Options ({@code --name=value} or flags): {@code --quick},
 * {@code --only=storm,memory,startup,compose,codec,drills}, {@code --jar}, {@code --launcher}, {@code --out},
 * {@code --doc} (the page to rewrite; {@code none} to only print), {@code --drill-reps}, {@code --drills} (a
 * comma-separated subset of kill, link, redis, dockerd), {@code --cycles} (start/stop cycles of the memory section),
 * {@code --startup-reps}, {@code --startup-compare} (another build's jar, with its archive beside it, launched in
 * turn with this one by the start-up section: an A/B whose two sides share every moment's load).
 */
public final class BenchSuite {

    static final List<String> SECTIONS = List.of("storm", "memory", "startup", "compose", "codec", "drills");

    private BenchSuite() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("options are --name[=value], got " + arg);
            }
            int eq = arg.indexOf('=');
            options.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        boolean quick = Boolean.parseBoolean(options.getOrDefault("quick", "false"));
        Set<String> only = new LinkedHashSet<>(List.of(options.getOrDefault("only", String.join(",", SECTIONS))
                .split(",")));
        for (String s : only) {
            if (!SECTIONS.contains(s)) {
                throw new IllegalArgumentException("unknown section " + s + "; sections: " + SECTIONS);
            }
        }
        Path jar = Path.of(options.getOrDefault("jar", "bootstrap/target/docker-agent.jar")).toAbsolutePath();
        Path launcher = Path.of(options.getOrDefault("launcher", "bin/docker-agent")).toAbsolutePath();
        Path out = Files.createDirectories(Path.of(options.getOrDefault("out", "bench/target/bench-run"))
                .toAbsolutePath());
        String doc = options.getOrDefault("doc", "docs/benchmarks.md");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar not found: " + jar + " (scripts/bench.sh builds it)");
        }
        AgentProcess.Launch launch = new AgentProcess.Launch(launcher, jar, Path.of(System.getProperty("java.home")),
                null, true, null, null);
        String dockerHost = System.getenv().getOrDefault("DOCKER_HOST", DockerClients.DEFAULT_HOST);

        Report report = new Report();
        Instant started = Instant.now();
        String loadAtStart = BenchEnv.loadAverage();
        int code = 0;
        BenchEnv env = new BenchEnv(quick, out, launch, dockerHost, "streamspace-test/vnc-echo:latest");
        Runtime.getRuntime().addShutdownHook(new Thread(env::close, "bench-cleanup"));
        try {
            var version = env.docker.versionCmd().exec();
            report.header("## Run %s (%s mode), %s", env.runId, quick ? "quick" : "full",
                    DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(started));
            report.header("");
            report.header("- machine: %d CPUs, %s, kernel %s; load average at start %s",
                    Runtime.getRuntime().availableProcessors(), memTotal(), System.getProperty("os.version"),
                    loadAtStart);
            report.header("- Docker engine %s (API %s); Java %s (%s) for the agent and the bench; agent %s",
                    version.getVersion(), version.getApiVersion(), System.getProperty("java.version"),
                    System.getProperty("java.vm.name"), agentVersion(launch));
            String trim = Runtime.version().feature() >= 22
                    ? " + `" + MemorySection.TRIM_NATIVE_HEAP + "` (Java ≥ 22)" : "";
            Path archive = StartupSection.archiveOf(jar);
            report.header("- agent launched by `bin/docker-agent` with its default JVM flags: `%s`%s; class-data"
                    + " archive: %s", defaultJvmOpts(launcher), trim,
                    Files.isRegularFile(archive) ? archive.getFileName() : "absent");
            report.header("- sections: %s", String.join(", ", only));
            for (String section : SECTIONS) {
                if (!only.contains(section)) {
                    continue;
                }
                try {
                    switch (section) {
                        case "storm" -> new StormSection(env, report).run();
                        case "memory" -> new MemorySection(env, report,
                                Integer.parseInt(options.getOrDefault("cycles", quick ? "20" : "1000"))).run();
                        case "startup" -> new StartupSection(env, report,
                                Integer.parseInt(options.getOrDefault("startup-reps", quick ? "3" : "10")),
                                Optional.ofNullable(options.get("startup-compare")).map(Path::of)
                                        .map(Path::toAbsolutePath)).run();
                        case "compose" -> new ComposeSection(env, report).run();
                        case "codec" -> new CodecSection(quick, report).run();
                        case "drills" -> new DrillSection(env, report,
                                Integer.parseInt(options.getOrDefault("drill-reps", quick ? "1" : "20")),
                                options.containsKey("drills") ? List.of(options.get("drills").split(","))
                                        : DrillSection.ALL).run();
                        default -> throw new IllegalStateException(section);
                    }
                } catch (Exception | AssertionError e) {
                    code = 1;
                    progress("section %s failed: %s", section, e);
                    e.printStackTrace();
                    report.line("### Section `%s` FAILED", section);
                    report.line("");
                    report.line("`%s`", String.valueOf(e).replace('`', '\''));
                    report.line("");
                }
            }
        } finally {
            env.close();
        }
        report.header("- took %s; load average at end %s",
                formatDuration(Duration.between(started, Instant.now())), BenchEnv.loadAverage());
        String markdown = report.markdown();
        Path file = out.resolve("results-" + env.runId + ".md");
        Files.writeString(file, markdown);
        System.out.println(markdown);
        if (!"none".equals(doc)) {
            report.writeInto(Path.of(doc));
            progress("results written to %s and %s", file, doc);
        } else {
            progress("results written to %s", file);
        }
        long missed = report.figures().stream().filter(f -> f.kind() != Report.Kind.NONE && !f.held()).count();
        progress("%d figure(s), %d target(s) not held", report.figures().size(), missed);
        System.exit(code);
    }

    private static String formatDuration(Duration d) {
        return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }

    private static String defaultJvmOpts(Path launcher) throws IOException {
        return Files.readAllLines(launcher).stream().filter(l -> l.startsWith("DEFAULT_JVM_OPTS="))
                .map(l -> l.substring("DEFAULT_JVM_OPTS=".length()).replace("\"", "")).findFirst().orElse("?");
    }

    private static String agentVersion(AgentProcess.Launch launch) {
        try {
            // stdout is the version; anything on stderr (e.g. a JVM refusing an archive) is named, not mixed in
            Process p = launch.command(List.of("version")).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            String err = new String(p.getErrorStream().readAllBytes()).strip();
            p.waitFor(60, TimeUnit.SECONDS);
            return err.isEmpty() ? out : out + " (and on stderr: " + err.lines().findFirst().orElse("") + ")";
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB RAM",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
