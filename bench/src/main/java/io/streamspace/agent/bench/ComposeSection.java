package io.streamspace.agent.bench;

import static io.streamspace.agent.bench.BenchEnv.ms;
import static io.streamspace.agent.bench.BenchEnv.progress;

import io.streamspace.agent.bench.Report.Figure;
import io.streamspace.agent.bench.Report.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Point 6: {@code docker-agent stack up} (through the launcher, JVM start included) against Debian's
 * {@code docker-compose} 1.29 on the same five-service file, first up and unchanged re-up, interleaved.
 */
final class ComposeSection {

    /** Idles until SIGTERM, then exits: stopping a stack then costs no stop timeout (10 s) on either side. */
    static final String IDLE = "trap 'exit 0' TERM; while true; do sleep 1; done";

    static final String FILE = """
            services:
              web:
                image: %1$s
                command: ["sh", "-c", "httpd -p 8080 -h /tmp; %2$s"]
                ports: ["127.0.0.1::8080"]
                environment:
                  ROLE: web
                networks: [front, back]
                depends_on: [api]
              api:
                image: %1$s
                command: ["sh", "-c", "%2$s"]
                environment:
                  ROLE: ${API_ROLE:-api}
                volumes: ["data:/data"]
                networks: [back]
                depends_on: [db, cache]
              db:
                image: %1$s
                command: ["sh", "-c", "%2$s"]
                volumes: ["db:/var/lib/db"]
                networks: [back]
              cache:
                image: %1$s
                command: ["sh", "-c", "%2$s"]
                networks: [back]
              worker:
                image: %1$s
                command: ["sh", "-c", "%2$s"]
                networks: [back]
                depends_on: [db]
            networks:
              front: {}
              back: {}
            volumes:
              data: {}
              db: {}
            """;

    private final BenchEnv env;
    private final Report report;
    private final int reps;
    private final String image;

    ComposeSection(BenchEnv env, Report report) {
        this.env = env;
        this.report = report;
        this.reps = env.quick ? 1 : 5; // quick mode: one per side, as the storm section
        this.image = "streamspace-test/busybox:latest";
    }

    void run() throws Exception {
        Path dir = Files.createDirectories(env.out.resolve("compose"));
        Path file = dir.resolve("compose.yml");
        Files.writeString(file, FILE.formatted(image, IDLE));
        String compose = version(new ProcessBuilder("docker-compose", "version", "--short"));
        List<Double> agentUp = new ArrayList<>();
        List<Double> agentReUp = new ArrayList<>();
        List<Double> composeUp = new ArrayList<>();
        List<Double> composeReUp = new ArrayList<>();
        progress("compose: %d repetitions per side", reps);
        for (int i = 0; i < reps; i++) {
            String agentProject = "ssb" + env.runId + "a" + i;
            String composeProject = "ssb" + env.runId + "c" + i;
            try {
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == (i % 2 == 0)) {
                        agentUp.add(time(agent(dir, "stack", "up", "-f", file.toString(), "-p", agentProject)));
                        agentReUp.add(time(agent(dir, "stack", "up", "-f", file.toString(), "-p", agentProject)));
                    } else {
                        composeUp.add(time(dockerCompose(dir, file, composeProject, "up", "-d")));
                        composeReUp.add(time(dockerCompose(dir, file, composeProject, "up", "-d")));
                    }
                }
                progress("compose %d: up agent %.0f / compose %.0f ms; re-up agent %.0f / compose %.0f ms", i + 1,
                        agentUp.getLast(), composeUp.getLast(), agentReUp.getLast(), composeReUp.getLast());
            } finally {
                run(agent(dir, "stack", "down", "-v", "-p", agentProject), false);
                run(dockerCompose(dir, file, composeProject, "down", "-v"), false);
            }
        }
        report.add(new Figure("6", "`stack up`, 5 services + 2 networks + 2 volumes, from nothing", "ms", agentUp,
                "docker-compose " + compose + " up -d", composeUp, Kind.RATIO, 0.5));
        report.add(new Figure("6", "unchanged re-`up`", "ms", agentReUp, "docker-compose re-up", composeReUp,
                Kind.RATIO, 0.2));
        report.line("### Compose (point 6)");
        report.line("");
        report.line("`bin/docker-agent stack up -f compose.yml -p P` (a whole JVM run through the launcher, with the"
                + " class-data archive when present) against `docker-compose -f compose.yml -p P up -d` (Debian's"
                + " docker-compose %s), on the file below, %d times each, the side going first alternating; each"
                + " side then runs the same command again on the unchanged stack. Wall time of the command.",
                compose, reps);
        report.line("");
        report.line("Samples (ms): agent up %s, re-up %s; docker-compose up %s, re-up %s.", Report.join(agentUp),
                Report.join(agentReUp), Report.join(composeUp), Report.join(composeReUp));
        report.line("");
        report.line("```yaml");
        report.line(FILE.formatted(image, IDLE).strip());
        report.line("```");
        report.line("");
    }

    private ProcessBuilder agent(Path dir, String... args) {
        return env.launch.command(List.of(args)).directory(dir.toFile());
    }

    private ProcessBuilder dockerCompose(Path dir, Path file, String project, String... args) {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", file.toString(), "-p", project));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().remove("COMPOSE_PROJECT_NAME");
        return pb;
    }

    private double time(ProcessBuilder pb) throws Exception {
        long t = System.nanoTime();
        run(pb, true);
        return ms(System.nanoTime() - t);
    }

    private void run(ProcessBuilder pb, boolean mustSucceed) throws Exception {
        Path log = env.out.resolve("compose-commands.log");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + pb.command());
        }
        if (mustSucceed && p.exitValue() != 0) {
            throw new IllegalStateException("failed (" + p.exitValue() + "): " + pb.command() + "; see " + log);
        }
    }

    private static String version(ProcessBuilder pb) {
        try {
            Process p = pb.redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor(30, TimeUnit.SECONDS);
            return out.isEmpty() ? "?" : out;
        } catch (IOException | InterruptedException e) {
            return "not installed";
        }
    }
}
