package io.streamspace.agent.bootstrap.cli;

import io.streamspace.agent.bootstrap.config.AgentVersion;
import io.streamspace.agent.bootstrap.config.Setting;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line, built from the {@link Setting} table so flags, environment variables and defaults are
 * declared once. Help shows each setting's environment variables and default, never a secret's value.
 */
public final class CommandLineSpec {

    public static final String RUN = "run";
    public static final String COMPOSE_AGENT = "compose-agent";
    public static final String DEV = "dev";
    public static final String VERSION = "version";
    public static final String STACK = "stack";
    public static final String SOCKET_PROXY = "socket-proxy";
    public static final String MCP = "mcp";
    public static final List<String> SUBCOMMANDS = List.of(RUN, COMPOSE_AGENT, DEV, VERSION, STACK, SOCKET_PROXY, MCP);

    public static final String CONFIG_FLAG = "--config";
    public static final String CONFIG_ENV = "CONFIG_FILE";
    public static final String DEV_PORT_FLAG = "--port";

    private CommandLineSpec() {
    }

    /** The whole command line: every subcommand (for the top-level help and anything not naming one). */
    public static CommandLine build() {
        return build(null);
    }

    /**
     * The command line with only {@code subcommand} under the root: what parsing a command line that names it
     * needs. Each picocli {@code CommandLine} costs a few ms at start-up (its converters are registered by
     * reflection); the whole tree has ~17 of them, on every start of every role (docs/benchmarks.md, start-up).
     */
    public static CommandLine buildFor(String subcommand) {
        if (!SUBCOMMANDS.contains(subcommand)) {
            throw new IllegalArgumentException("no subcommand " + subcommand + "; one of " + SUBCOMMANDS);
        }
        return build(subcommand);
    }

    private static CommandLine build(String only) {
        CommandSpec root = CommandSpec.create().name("docker-agent").mixinStandardHelpOptions(true)
                .version("docker-agent " + AgentVersion.current());
        root.usageMessage().description(
                "StreamSpace Docker host agent: runs desktop sessions as containers on this Docker host for a"
                        + " StreamSpace control plane.",
                "Without a subcommand, 'run' is assumed.");
        CommandLine commandLine = new CommandLine(root);

        if (only == null || only.equals(RUN)) {
            CommandSpec run = CommandSpec.create().name(RUN).mixinStandardHelpOptions(true);
            run.usageMessage().description("Run the session agent (default). Precedence: flag, environment,"
                    + " config file, default. Invalid configuration exits with code 2.");
            addSettings(run, false);
            commandLine.addSubcommand(RUN, new CommandLine(run));
        }

        if (only == null || only.equals(COMPOSE_AGENT)) {
            CommandSpec compose = CommandSpec.create().name(COMPOSE_AGENT).mixinStandardHelpOptions(true);
            compose.usageMessage().description("Run the compose-agent sidecar: the only process that changes Docker"
                    + " objects, serving the session agent's signed local API on --listen. Precedence: flag, environment,"
                    + " default.");
            for (Setting setting : Setting.COMPOSE_AGENT_ROLE) {
                compose.addOption(OptionSpec.builder(setting.flag()).paramLabel(setting.label()).type(String.class)
                        .description(describe(setting)).build());
            }
            commandLine.addSubcommand(COMPOSE_AGENT, new CommandLine(compose));
        }

        if (only == null || only.equals(SOCKET_PROXY)) {
            CommandSpec proxy = CommandSpec.create().name(SOCKET_PROXY).mixinStandardHelpOptions(true);
            proxy.usageMessage().description("Run the watchdog's socket proxy: a TCP front of the Docker socket that lets"
                    + " through only ping, version, and inspect, logs and restart of the named containers (the agent in"
                    + " sidecar mode supervises the compose-agent through it, without the socket). Precedence: flag,"
                    + " environment, default.");
            for (Setting setting : Setting.SOCKET_PROXY_ROLE) {
                proxy.addOption(OptionSpec.builder(setting.flag()).paramLabel(setting.label()).type(String.class)
                        .description(describe(setting)).build());
            }
            commandLine.addSubcommand(SOCKET_PROXY, new CommandLine(proxy));
        }

        if (only == null || only.equals(DEV)) {
            CommandSpec dev = CommandSpec.create().name(DEV).mixinStandardHelpOptions(true);
            dev.usageMessage().description("Start an embedded control-plane simulator on 127.0.0.1 and the agent"
                    + " connected to it, against the local Docker engine. For trying the agent out, not for production.");
            dev.addOption(OptionSpec.builder(DEV_PORT_FLAG).paramLabel("PORT").type(String.class)
                    .description("Port of the embedded control plane on 127.0.0.1 (default 8470; 0 picks a free one).")
                    .build());
            addSettings(dev, true);
            commandLine.addSubcommand(DEV, new CommandLine(dev));
        }

        if (only == null || only.equals(STACK)) {
            commandLine.addSubcommand(STACK, stackCommand());
        }

        if (only == null || only.equals(MCP)) {
            CommandSpec mcp = CommandSpec.create().name(MCP).mixinStandardHelpOptions(true);
            mcp.usageMessage().description("Serve the MCP gateway on stdio for one assistant client (JSON-RPC on"
                    + " stdout, logs on stderr): Docker, session and stack tools on the local engine, scoped to the objects"
                    + " of --agent-id; destructive tools only when allow-listed. Precedence: flag, environment, default.");
            for (Setting setting : Setting.MCP_STDIO) {
                mcp.addOption(OptionSpec.builder(setting.flag()).paramLabel(setting.label()).type(String.class)
                        .description(describe(setting)).build());
            }
            commandLine.addSubcommand(MCP, new CommandLine(mcp));
        }

        if (only == null || only.equals(VERSION)) {
            CommandSpec version = CommandSpec.create().name(VERSION);
            version.usageMessage().description("Print the version and exit.");
            commandLine.addSubcommand(VERSION, new CommandLine(version));
        }
        return commandLine;
    }

    /** The {@code stack} actions, as docker-compose names them. */
    public static final List<String> STACK_ACTIONS = List.of("up", "down", "ps", "logs", "pull", "restart", "stop",
            "start");

    /**
     * {@code stack [GLOBAL] ACTION [GLOBAL] [OPTIONS] [SERVICE...]}: docker-compose's global options ({@code -f}
     * repeatable, {@code -p}, {@code --project-directory}, {@code --env-file}) are accepted before and after the
     * action, so {@code docker-compose -f a.yml -f b.yml up -d} becomes {@code docker-agent stack -f a.yml -f b.yml up -d}.
     */
    private static CommandLine stackCommand() {
        CommandSpec stack = CommandSpec.create().name(STACK).mixinStandardHelpOptions(true);
        stack.usageMessage().description("Compose stacks on the local Docker engine with the native engine"
                + " (the docker-compose CLI sees the same stacks). Files, project directory, env file and project"
                + " name are found as docker-compose finds them.");
        addStackGlobals(stack);
        CommandLine line = new CommandLine(stack);
        for (String action : STACK_ACTIONS) {
            CommandSpec spec = CommandSpec.create().name(action).mixinStandardHelpOptions(true);
            spec.usageMessage().description(switch (action) {
                case "up" -> "Create or update the stack, detached (unchanged services are left alone).";
                case "down" -> "Remove the stack's containers and networks (and named volumes with -v).";
                case "ps" -> "List the stack's containers.";
                case "logs" -> "Print the logs of the stack's services (all when none is named).";
                case "pull" -> "Pull the images of the stack's services.";
                case "restart" -> "Restart the stack's services (all when none is named).";
                case "stop" -> "Stop the stack's services (all when none is named).";
                default -> "Start the stack's stopped services (all when none is named).";
            });
            addStackGlobals(spec);
            switch (action) {
                case "up" -> spec.addOption(OptionSpec.builder("-d", "--detach").arity("0").type(boolean.class)
                        .description("Accepted for docker-compose's command lines: up always runs detached.").build());
                case "down" -> spec.addOption(OptionSpec.builder("-v", "--volumes").arity("0").type(boolean.class)
                        .description("Also remove the stack's named volumes.").build());
                case "logs" -> spec.addOption(OptionSpec.builder("--tail").paramLabel("N").type(String.class)
                        .description("Only the last N lines of each container (default all).").build());
                default -> { }
            }
            if (List.of("logs", "restart", "stop", "start").contains(action)) {
                spec.addPositional(CommandLine.Model.PositionalParamSpec.builder().paramLabel("SERVICE")
                        .arity("0..*").type(String[].class).description("Services (default: all).").build());
            }
            line.addSubcommand(action, new CommandLine(spec));
        }
        return line;
    }

    private static void addStackGlobals(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-f", "--file").paramLabel("FILE").type(String[].class).arity("1")
                .description("Compose file; repeat to merge files in order (default: compose.yaml, compose.yml,"
                        + " docker-compose.yml or docker-compose.yaml here, with its .override file). Env:"
                        + " COMPOSE_FILE.").build());
        spec.addOption(OptionSpec.builder("-p", "--project-name").paramLabel("NAME").type(String.class)
                .description("Project name (default: COMPOSE_PROJECT_NAME, then the top-level name, then the"
                        + " project directory's name).").build());
        spec.addOption(OptionSpec.builder("--project-directory").paramLabel("DIR").type(String.class)
                .description("Project directory: relative paths and .env (default: the first file's directory).")
                .build());
        spec.addOption(OptionSpec.builder("--env-file").paramLabel("FILE").type(String.class)
                .description("Variables for the files (default: .env in the project directory).").build());
        spec.addOption(OptionSpec.builder("--docker-host").paramLabel("URI").type(String.class)
                .description("Docker daemon socket. Env: DOCKER_HOST. Default: unix:///var/run/docker.sock.")
                .build());
    }

    /** The session agent's settings: every flag of {@code run} but {@code --config}. */
    public static List<Setting> agentSettings() {
        List<Setting> settings = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            if (!Setting.COMPOSE_AGENT_ROLE_ONLY.contains(setting) && !Setting.SOCKET_PROXY_ROLE_ONLY.contains(setting)) {
                settings.add(setting);
            }
        }
        return settings;
    }

    private static void addSettings(CommandSpec spec, boolean devMode) {
        for (Setting setting : agentSettings()) {
            if (devMode && (setting == Setting.CONTROL_PLANE_URL || setting == Setting.API_KEY)) {
                continue; // dev mode makes its own control plane and key
            }
            OptionSpec.Builder option = OptionSpec.builder(setting.flag())
                    .paramLabel(setting.label())
                    .type(String.class)
                    .description(describe(setting));
            if (setting == Setting.ENABLE_HA) {
                option.arity("0..1").fallbackValue("true");
            }
            spec.addOption(option.build());
        }
        spec.addOption(OptionSpec.builder(CONFIG_FLAG).paramLabel("FILE").type(String.class)
                .description("YAML or JSON file with settings keyed by flag name (e.g. agent-id: x). Env: "
                        + CONFIG_ENV + ".")
                .build());
    }

    private static String[] describe(Setting setting) {
        List<String> lines = new ArrayList<>();
        StringBuilder text = new StringBuilder(setting.description());
        text.append(" Env: ").append(String.join(", ", setting.environment())).append('.');
        if (setting.defaultValue() != null && !setting.secret()) {
            text.append(" Default: ").append(setting.defaultValue()).append('.');
        }
        lines.add(text.toString());
        return lines.toArray(String[]::new);
    }
}
