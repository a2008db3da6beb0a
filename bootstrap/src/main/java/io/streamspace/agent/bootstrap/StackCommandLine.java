package io.streamspace.agent.bootstrap;

import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.compose.DirectoryEnvFiles;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.application.service.stack.StackDefinition;
import io.streamspace.agent.application.service.stack.StackService;
import io.streamspace.agent.bootstrap.wiring.StacksModule;
import io.streamspace.agent.domain.compose.ComposeFileException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ParseResult;

/**
 * {@code docker-agent stack up|down|ps}: the native Compose engine from the command line, on the local Docker
 * engine, with Compose's labels and names (the {@code docker-compose} CLI sees the same stacks).
 */
final class StackCommandLine {

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    StackCommandLine(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    int run(ParseResult stack) {
        ParseResult action = stack.subcommand();
        if (action == null) {
            err.println("error: name an action: docker-agent stack up|down|ps");
            return DockerAgentMain.EXIT_CONFIGURATION;
        }
        if (action.isUsageHelpRequested()) {
            action.commandSpec().commandLine().usage(out);
            return DockerAgentMain.EXIT_OK;
        }
        String dockerHost = option(action, "--docker-host", env.getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock"));
        String project = option(action, "-p", null);
        try (DockerClients clients = DockerClients.create(dockerHost)) {
            StackService stacks = StacksModule.forCommandLine(clients);
            return switch (action.commandSpec().name()) {
                case "up" -> up(stacks, action, project);
                case "down" -> down(stacks, project, action.hasMatchedOption("-v"));
                default -> ps(stacks, project);
            };
        } catch (ComposeFileException | RuntimeOperationException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return DockerAgentMain.EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DockerAgentMain.EXIT_FAILED;
        }
    }

    private int up(StackService stacks, ParseResult action, String project) throws InterruptedException {
        Path file = Path.of(option(action, "-f", "compose.yml")).toAbsolutePath();
        String text;
        String dotEnv = null;
        try {
            text = Files.readString(file);
            Path envFile = file.getParent().resolve(".env");
            if (Files.isRegularFile(envFile)) {
                dotEnv = Files.readString(envFile);
            }
        } catch (IOException e) {
            err.println("error: cannot read " + file + ": " + e.getMessage());
            return DockerAgentMain.EXIT_CONFIGURATION;
        }
        StackRuntime.UpResult result = stacks.deploy(new StackDefinition(project, text, file.toString(), env, dotEnv,
                Set.of(), file.getParent().toString(), new DirectoryEnvFiles(file.getParent())));
        out.println("stack " + result.project() + ": created " + result.created() + ", recreated "
                + result.recreated() + ", unchanged " + result.unchanged() + ", started " + result.started());
        return DockerAgentMain.EXIT_OK;
    }

    private int down(StackService stacks, String project, boolean volumes) throws InterruptedException {
        if (project == null) {
            err.println("error: stack down needs -p PROJECT");
            return DockerAgentMain.EXIT_CONFIGURATION;
        }
        StackRuntime.DownResult result = stacks.remove(project, volumes);
        out.println("stack " + result.project() + ": removed containers " + result.containers() + ", networks "
                + result.networks() + ", volumes " + result.volumes());
        return DockerAgentMain.EXIT_OK;
    }

    private int ps(StackService stacks, String project) {
        if (project == null) {
            err.println("error: stack ps needs -p PROJECT");
            return DockerAgentMain.EXIT_CONFIGURATION;
        }
        out.printf("%-32s %-16s %-10s %-10s %s%n", "NAME", "SERVICE", "STATE", "HEALTH", "IMAGE");
        for (StackRuntime.StackContainer c : stacks.status(project)) {
            out.printf("%-32s %-16s %-10s %-10s %s%n", c.name(), c.service(), c.state(),
                    c.health() == null ? "-" : c.health(), c.image());
        }
        return DockerAgentMain.EXIT_OK;
    }

    private static String option(ParseResult parsed, String name, String fallback) {
        return parsed.hasMatchedOption(name) ? parsed.matchedOptionValue(name, fallback) : fallback;
    }
}
