package io.streamspace.agent.bootstrap;

import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.compose.ComposeYaml;
import io.streamspace.agent.adapter.docker.compose.DirectoryEnvFiles;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.application.service.stack.StackDefinition;
import io.streamspace.agent.application.service.stack.StackService;
import io.streamspace.agent.bootstrap.cli.StackArgs;
import io.streamspace.agent.bootstrap.wiring.StacksModule;
import io.streamspace.agent.domain.compose.ComposeFileException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ParseResult;

/**
 * {@code docker-agent stack ACTION}: the native Compose engine from the command line, on the local Docker engine, with
 * Compose's labels and names (the {@code docker-compose} CLI sees the same stacks), and docker-compose's global
 * options ({@link ComposeProject}).
 */
final class StackCommandLine {

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final Path workingDir;

    StackCommandLine(Map<String, String> env, PrintStream out, PrintStream err) {
        this(env, out, err, Path.of("").toAbsolutePath());
    }

    StackCommandLine(Map<String, String> env, PrintStream out, PrintStream err, Path workingDir) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.workingDir = workingDir;
    }

    int run(ParseResult stack) {
        ParseResult action = stack.subcommand();
        if (action == null) {
            err.println("error: name an action: docker-agent stack up|down|ps|logs|pull|restart|stop|start");
            return DockerAgentMain.EXIT_CONFIGURATION;
        }
        if (action.isUsageHelpRequested()) {
            action.commandSpec().commandLine().usage(out);
            return DockerAgentMain.EXIT_OK;
        }
        return run(StackArgs.of(stack));
    }

    int run(StackArgs args) {
        String name = args.action();
        ComposeProject project;
        try {
            project = ComposeProject.resolve(new ComposeProject.Options(args.files(), args.projectName(),
                    args.projectDirectory(), args.envFile()), env, workingDir, StackCommandLine::topLevelName);
        } catch (ComposeFileException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return DockerAgentMain.EXIT_CONFIGURATION;
        }
        if (project.files().isEmpty() && !project.nameGiven() && !List.of("up", "pull").contains(name)) {
            err.println("error: no Compose file and no project name: give -f FILE or -p NAME (or set"
                    + " COMPOSE_PROJECT_NAME)");
            return DockerAgentMain.EXIT_CONFIGURATION;
        }
        if (project.files().isEmpty() && List.of("up", "pull").contains(name)) {
            err.println("error: no Compose file: give -f FILE, set COMPOSE_FILE, or run in a directory holding one of "
                    + ComposeProject.DEFAULT_FILES);
            return DockerAgentMain.EXIT_CONFIGURATION;
        }
        String dockerHost = args.dockerHost();
        if (dockerHost == null) {
            dockerHost = env.getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        }
        try (DockerClients clients = DockerClients.create(dockerHost)) {
            StackService stacks = StacksModule.forCommandLine(clients);
            List<String> services = args.services();
            switch (name) {
                case "up" -> up(stacks, project);
                case "down" -> down(stacks, project.name(), args.volumes());
                case "ps" -> ps(stacks, project.name());
                case "logs" -> logs(stacks, project.name(), services, args.tail());
                case "pull" -> out.println("pulled: " + String.join(", ", stacks.pull(definition(project))));
                case "restart" -> report("restarted", stacks.restart(project.name(), services));
                case "stop" -> report("stopped", stacks.stop(project.name(), services));
                default -> report("started", stacks.start(project.name(), services));
            }
            return DockerAgentMain.EXIT_OK;
        } catch (ComposeFileException | RuntimeOperationException | IllegalArgumentException
                 | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return DockerAgentMain.EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DockerAgentMain.EXIT_FAILED;
        }
    }

    private void up(StackService stacks, ComposeProject project) throws InterruptedException {
        StackRuntime.UpResult result = stacks.deploy(definition(project));
        out.println("stack " + result.project() + ": created " + result.created() + ", recreated "
                + result.recreated() + ", unchanged " + result.unchanged() + ", started " + result.started());
    }

    private StackDefinition definition(ComposeProject project) {
        Path first = project.files().get(0);
        List<StackDefinition.ComposeFile> overrides = new ArrayList<>();
        for (Path file : project.files().subList(1, project.files().size())) {
            overrides.add(new StackDefinition.ComposeFile(ComposeProject.read(file), file.toString()));
        }
        return new StackDefinition(project.name(), ComposeProject.read(first), first.toString(), env,
                project.dotEnv(), profiles(), project.directory().toString(),
                new DirectoryEnvFiles(project.directory()), overrides);
    }

    /** {@code COMPOSE_PROFILES}, comma-separated, as docker-compose reads it. */
    private Set<String> profiles() {
        String value = env.get("COMPOSE_PROFILES");
        Set<String> profiles = new LinkedHashSet<>();
        if (value != null) {
            Arrays.stream(value.split(",")).map(String::strip).filter(p -> !p.isEmpty()).forEach(profiles::add);
        }
        return profiles;
    }

    private void down(StackService stacks, String project, boolean volumes) throws InterruptedException {
        StackRuntime.DownResult result = stacks.remove(project, volumes);
        out.println("stack " + result.project() + ": removed containers " + result.containers() + ", networks "
                + result.networks() + ", volumes " + result.volumes());
    }

    private void ps(StackService stacks, String project) {
        out.printf("%-32s %-16s %-10s %-10s %s%n", "NAME", "SERVICE", "STATE", "HEALTH", "IMAGE");
        for (StackRuntime.StackContainer c : stacks.status(project)) {
            out.printf("%-32s %-16s %-10s %-10s %s%n", c.name(), c.service(), c.state(),
                    c.health() == null ? "-" : c.health(), c.image());
        }
    }

    private void logs(StackService stacks, String project, List<String> services, String tailGiven)
            throws InterruptedException {
        String tailText = tailGiven == null ? "all" : tailGiven;
        int tail;
        try {
            tail = "all".equals(tailText) ? 0 : Integer.parseInt(tailText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--tail must be a number or all, got '" + tailText + "'");
        }
        List<String> names = services;
        if (names.isEmpty()) {
            names = stacks.status(project).stream().map(StackRuntime.StackContainer::service).distinct().toList();
        }
        for (String service : names) {
            String text = stacks.logs(project, service, tail);
            for (String line : text.split("\\R")) {
                if (!line.isEmpty()) {
                    out.println(service + " | " + line);
                }
            }
        }
    }

    private void report(String what, List<String> containers) {
        out.println(what + ": " + (containers.isEmpty() ? "nothing" : String.join(", ", containers)));
    }

    /** The top-level {@code name} of a Compose file, or null. */
    private static String topLevelName(String text, Path file) {
        Object name = new ComposeYaml().read(text, file.toString()).get("name");
        return name == null ? null : String.valueOf(name);
    }
}
