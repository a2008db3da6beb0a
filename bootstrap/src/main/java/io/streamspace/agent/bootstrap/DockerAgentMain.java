package io.streamspace.agent.bootstrap;

import io.streamspace.agent.bootstrap.logging.AgentLoggers;
import io.streamspace.agent.bootstrap.cli.CommandLineSpec;
import io.streamspace.agent.bootstrap.cli.RunCommandLine;
import io.streamspace.agent.bootstrap.cli.StackArgs;
import io.streamspace.agent.bootstrap.config.AgentVersion;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.bootstrap.config.ConfigurationException;
import io.streamspace.agent.bootstrap.config.ConfigurationResolver;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.bootstrap.wiring.SessionAgent;
import io.streamspace.agent.bootstrap.wiring.SessionAgentComponent;
import io.streamspace.agent.bootstrap.wiring.VaultModule;
import io.streamspace.agent.domain.identity.ApiKey;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Entry point of {@code docker-agent.jar}. Exit codes: 0 done, 1 failed at run time, 2 invalid command line or
 * configuration.
 */
public final class DockerAgentMain {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_CONFIGURATION = 2;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    public DockerAgentMain(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        VirtualThreadCarriers.leaveOneCoreToPlatformThreads(); // before anything starts a virtual thread
        BaseLocaleData.useBaseLocaleData(); // before anything formats
        System.exit(new DockerAgentMain(System.getenv(), System.out, System.err).execute(args));
    }

    public int execute(String[] args) {
        String[] line = withDefaultSubcommand(args);
        Optional<RunCommandLine.Parsed> run = RunCommandLine.parse(line);
        if (run.isPresent()) {
            return runAgent(run.get().flags(), configFile(run.get().configFile()));
        }
        Optional<StackArgs> stack = StackArgs.parseQuickly(line);
        if (stack.isPresent()) {
            return new StackCommandLine(env, out, err).run(stack.get());
        }
        // only the named subcommand's part of the command line is built; the top-level help needs all of it
        CommandLine commandLine = CommandLineSpec.SUBCOMMANDS.contains(line[0]) ? CommandLineSpec.buildFor(line[0])
                : CommandLineSpec.build();
        ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(line);
        } catch (CommandLine.ParameterException e) {
            err.println("error: " + e.getMessage());
            err.println("Run 'docker-agent --help' for usage.");
            return EXIT_CONFIGURATION;
        }
        if (parsed.isUsageHelpRequested()) {
            commandLine.usage(out);
            return EXIT_OK;
        }
        if (parsed.isVersionHelpRequested()) {
            out.println("docker-agent " + AgentVersion.current());
            return EXIT_OK;
        }
        ParseResult sub = parsed.subcommand();
        if (sub.isUsageHelpRequested()) {
            sub.commandSpec().commandLine().usage(out);
            return EXIT_OK;
        }
        if (sub.isVersionHelpRequested()) {
            out.println("docker-agent " + AgentVersion.current());
            return EXIT_OK;
        }
        return switch (sub.commandSpec().name()) {
            case CommandLineSpec.VERSION -> {
                out.println("docker-agent " + AgentVersion.current() + " (Java " + Runtime.version() + ")");
                yield EXIT_OK;
            }
            case CommandLineSpec.COMPOSE_AGENT -> new ComposeAgentRole(env, err).run(flags(sub));
            case CommandLineSpec.STACK -> new StackCommandLine(env, out, err).run(sub);
            case CommandLineSpec.SOCKET_PROXY -> new SocketProxyRole(env, err).run(flags(sub));
            case CommandLineSpec.MCP -> new McpCommand(env, System.in, out, err).run(flags(sub));
            case CommandLineSpec.DEV -> new DevMode(env, out, err).run(flags(sub), option(sub, CommandLineSpec.DEV_PORT_FLAG));
            default -> runAgent(flags(sub), configFile(option(sub, CommandLineSpec.CONFIG_FLAG)));
        };
    }

    private int runAgent(Map<Setting, String> flags, Path configFile) {
        AgentConfiguration config;
        try {
            config = ConfigurationResolver.resolve(flags, env, configFile);
        } catch (ConfigurationException e) {
            for (String problem : e.problems()) {
                err.println("configuration error: " + problem);
            }
            err.println("Run 'docker-agent run --help' for every setting.");
            return EXIT_CONFIGURATION;
        }
        AgentLoggers.configure(config.logLevel(), config.logFormat(), false);
        if (config.apiKey() == null) {
            try {
                config = config.withApiKey(apiKeyFromVault(config));
            } catch (RuntimeException e) {
                err.println("error: no API key is configured and Vault could not supply one: " + e.getMessage());
                return EXIT_FAILED;
            }
        }
        return runUntilStopped(SessionAgentComponent.create(config).sessionAgent(), err);
    }

    /** The control-plane API key from Vault, under the key named by {@code --vault-token-key}. */
    private static ApiKey apiKeyFromVault(AgentConfiguration config) {
        var vault = config.vault();
        var store = VaultModule.open(vault);
        String value = store.read(vault.tokenKey()).map(secret -> secret.value())
                .orElseThrow(() -> new IllegalStateException("Vault has no secret '" + vault.tokenKey() + "' at "
                        + store.describe()));
        var problem = ApiKey.problem(value);
        if (problem.isPresent()) {
            throw new IllegalStateException("the secret '" + vault.tokenKey() + "' in Vault is not a valid API key: "
                    + problem.get());
        }
        return ApiKey.of(value);
    }

    /** Runs the agent, stopping it gracefully on SIGTERM/SIGINT. */
    static int runUntilStopped(SessionAgent agent, PrintStream err) {
        return runUntilStopped(agent, err, () -> { });
    }

    /**
     * Runs the agent until it stops, then {@code afterStop} once: on this thread when the agent ends by itself, in
     * the shutdown hook after a signal's graceful stop (the JVM may halt before this thread gets that far).
     */
    static int runUntilStopped(SessionAgent agent, PrintStream err, Runnable afterStop) {
        // the second caller waits for the first to finish: the hook must not return (and the JVM halt) mid-way
        Runnable once = new Runnable() {
            private boolean done;

            @Override
            public synchronized void run() {
                if (!done) {
                    done = true;
                    afterStop.run();
                }
            }
        };
        Thread hook = new Thread(() -> {
            agent.stop();
            once.run();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return agent.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        } catch (RuntimeException e) {
            err.println("error: the agent failed: " + e.getMessage());
            return EXIT_FAILED;
        } finally {
            once.run();
        }
    }

    /** The {@code --config} flag's file, else {@code CONFIG_FILE}'s; null when neither names one. */
    Path configFile(String flag) {
        String file = flag;
        if (file == null) {
            file = env.get(CommandLineSpec.CONFIG_ENV);
        }
        return file == null || file.isBlank() ? null : Path.of(file);
    }

    static Map<Setting, String> flags(ParseResult parsed) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            String value = option(parsed, setting.flag());
            if (value != null) {
                flags.put(setting, value);
            }
        }
        return flags;
    }

    static String option(ParseResult parsed, String name) {
        return parsed.hasMatchedOption(name) ? parsed.matchedOptionValue(name, (String) null) : null;
    }

    private static String[] withDefaultSubcommand(String[] args) {
        if (args.length > 0 && (CommandLineSpec.SUBCOMMANDS.contains(args[0]) || List.of("-h", "--help", "-V",
                "--version").contains(args[0]))) {
            return args;
        }
        List<String> withRun = new ArrayList<>();
        withRun.add(CommandLineSpec.RUN);
        withRun.addAll(List.of(args));
        return withRun.toArray(String[]::new);
    }
}
