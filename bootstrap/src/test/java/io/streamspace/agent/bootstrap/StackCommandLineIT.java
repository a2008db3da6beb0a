package io.streamspace.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker-agent stack} takes docker-compose's command lines on the real engine: two {@code -f} files merged,
 * global options before or after the action, the project named after the directory as docker-compose names it (so
 * {@code docker-compose} with the same files sees the same containers), {@code --env-file}, and every action on the
 * project without repeating the files' contents.
 */
class StackCommandLineIT {

    private static final String BASE = """
            services:
              web:
                image: streamspace-test/busybox:latest
                command: ["sh", "-c", "echo web says ${GREETING:-nothing}; trap 'exit 0' TERM; sleep 300 & wait"]
                environment:
                  A: "1"
              worker:
                image: streamspace-test/busybox:latest
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
            """;
    private static final String OVERRIDE = """
            services:
              web:
                environment:
                  B: "2"
                labels:
                  io.streamspace.test: stack-cli
            """;

    @TempDir
    Path root;
    private Path dir;
    private String project;

    @AfterEach
    void removeLeftovers() throws Exception {
        if (project != null) {
            run(root, "docker-compose", "-p", project, "-f", dir.resolve("base.yml").toString(), "down", "-v");
        }
    }

    @Test
    void mergedFilesComeUpUnderDockerComposesProjectNameAndEveryActionWorksOnThem() throws Exception {
        String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        dir = Files.createDirectories(root.resolve("Stack.Cli_Test-" + suffix));
        project = "stackcli_test-" + suffix;
        Files.writeString(dir.resolve("base.yml"), BASE);
        Files.writeString(dir.resolve("override.yml"), OVERRIDE);
        Files.writeString(dir.resolve(".env"), "GREETING=from-dotenv\n");
        Files.writeString(dir.resolve("other.env"), "GREETING=from-env-file\n");

        Result up = agent(dir, "stack", "-f", "base.yml", "-f", "override.yml", "up", "-d", "--env-file", "other.env");
        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(up.output()).contains("stack " + project + ": created [web, worker]");

        String web = project + "-web-1";
        Result env = run(dir, "docker", "inspect", "-f", "{{json .Config.Env}} {{json .Config.Labels}}", web);
        assertThat(env.output()).contains("\"A=1\"", "\"B=2\"", "\"io.streamspace.test\":\"stack-cli\"",
                "base.yml,").contains("override.yml");
        // docker-compose derives the same project from the same files
        Result composePs = run(dir, "docker-compose", "-f", "base.yml", "-f", "override.yml", "ps");
        assertThat(composePs.output()).contains(web, project + "-worker-1");

        assertThat(agent(dir, "stack", "ps", "-f", "base.yml").output()).contains(web, "running");
        assertThat(agent(dir, "stack", "logs", "-f", "base.yml", "--tail", "5", "web").output())
                .contains("web | web says from-env-file");
        assertThat(agent(dir, "stack", "-f", "base.yml", "stop", "web").output()).contains("stopped: " + web);
        assertThat(run(dir, "docker", "inspect", "-f", "{{.State.Status}}", web).output()).contains("exited");
        assertThat(agent(dir, "stack", "-f", "base.yml", "start").output()).startsWith("started: ").contains(web);
        assertThat(agent(dir, "stack", "restart", "-f", "base.yml", "worker").output())
                .contains("restarted: " + project + "-worker-1");
        assertThat(run(dir, "docker", "inspect", "-f", "{{.State.Status}}", web).output()).contains("running");

        // elsewhere, without files: -p names the project; without either, the command says what is missing
        Result nothing = agent(root, "stack", "down");
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.output()).contains("no Compose file and no project name");
        Result down = agent(root, "stack", "down", "-p", project);
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(down.output()).contains(web, project + "-worker-1");
        assertThat(run(dir, "docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + project)
                .output()).isBlank();
        project = null;
    }

    record Result(int exitCode, String output) {}

    private static Result agent(Path workingDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", AgentJarProcess.JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return run(workingDir, command.toArray(String[]::new));
    }

    private static Result run(Path workingDir, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("stack-cli", ".txt");
        Process process = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
        Result result = new Result(process.exitValue(), Files.readString(output));
        Files.delete(output);
        return result;
    }
}
