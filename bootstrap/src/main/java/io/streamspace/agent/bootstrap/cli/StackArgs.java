package io.streamspace.agent.bootstrap.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.ParseResult;

/**
 * What a {@code stack ACTION} command line asks for: docker-compose's global options (given before or after the
 * action: {@code -f} files accumulate, stack level first; for the others the action's level wins), the action's own
 * options and its services.
 *
 * <p>{@link #parseQuickly} reads the usual forms without picocli: each option as {@code -f FILE} or
 * {@code --file[=]FILE}, at most once per level except {@code -f}, the action's flags, and services where the action
 * takes them. Anything else (help, version, an unknown or repeated option, clustered short options, a value that is
 * empty, starts with '-' or '@' or is an action's name, a missing action) is left to picocli, which gives the same result or the precise
 * error. Building picocli's model for {@code stack} and parsing with it took ~120 ms of every {@code stack} command,
 * a quarter of an unchanged {@code stack up} (docs/benchmarks.md, compose).
 *
 * @param tail     {@code logs --tail}, or null when not given
 * @param volumes  {@code down -v}
 * @param services the services named after the action (logs, restart, stop, start), else empty
 */
public record StackArgs(String action, List<String> files, String projectName, String projectDirectory,
                        String envFile, String dockerHost, boolean volumes, String tail, List<String> services) {

    public StackArgs {
        files = List.copyOf(files);
        services = List.copyOf(services);
    }

    /** Long and short names of the global options that take one value; {@code -f} is repeatable. */
    private static final Map<String, String> GLOBALS = Map.of(
            "-f", "-f", "--file", "-f",
            "-p", "-p", "--project-name", "-p",
            "--project-directory", "--project-directory",
            "--env-file", "--env-file",
            "--docker-host", "--docker-host");
    private static final Set<String> WITH_SERVICES = Set.of("logs", "restart", "stop", "start");

    /** {@code line} starts with {@code stack}; empty when picocli must read it. */
    public static Optional<StackArgs> parseQuickly(String[] line) {
        if (line.length < 2 || !CommandLineSpec.STACK.equals(line[0])) {
            return Optional.empty();
        }
        List<Map<String, List<String>>> levels = List.of(new HashMap<>(), new HashMap<>());
        String action = null;
        boolean detach = false;
        boolean volumes = false;
        String tail = null;
        List<String> services = new ArrayList<>();
        for (int i = 1; i < line.length; i++) {
            String arg = line[i];
            if (arg.startsWith("@")) {
                return Optional.empty(); // picocli reads arguments from that file
            }
            if (!arg.startsWith("-")) {
                if (action == null) {
                    if (!CommandLineSpec.STACK_ACTIONS.contains(arg)) {
                        return Optional.empty();
                    }
                    action = arg;
                } else if (WITH_SERVICES.contains(action)) {
                    services.add(arg);
                } else {
                    return Optional.empty();
                }
                continue;
            }
            int equals = arg.startsWith("--") ? arg.indexOf('=') : -1;
            String name = equals < 0 ? arg : arg.substring(0, equals);
            String global = GLOBALS.get(name);
            boolean takesValue = global != null || ("logs".equals(action) && name.equals("--tail"));
            if (!takesValue) {
                if (equals >= 0 || action == null) {
                    return Optional.empty();
                }
                if (("up".equals(action) && (name.equals("-d") || name.equals("--detach")) && !detach)) {
                    detach = true;
                } else if ("down".equals(action) && (name.equals("-v") || name.equals("--volumes")) && !volumes) {
                    volumes = true;
                } else {
                    return Optional.empty();
                }
                continue;
            }
            Optional<OptionValue> given = OptionValue.of(line, i, equals);
            if (given.isEmpty() || CommandLineSpec.STACK_ACTIONS.contains(given.get().text())) {
                return Optional.empty(); // picocli also refuses an action's name as a value
            }
            String value = given.get().text();
            i = given.get().last();
            if (global == null) {
                if (tail != null) {
                    return Optional.empty();
                }
                tail = value;
                continue;
            }
            List<String> atLevel = levels.get(action == null ? 0 : 1).computeIfAbsent(global, k -> new ArrayList<>());
            if (!atLevel.isEmpty() && !global.equals("-f")) {
                return Optional.empty();
            }
            atLevel.add(value);
        }
        if (action == null) {
            return Optional.empty();
        }
        List<String> files = new ArrayList<>(levels.get(0).getOrDefault("-f", List.of()));
        files.addAll(levels.get(1).getOrDefault("-f", List.of()));
        return Optional.of(new StackArgs(action, files, last(levels, "-p"), last(levels, "--project-directory"),
                last(levels, "--env-file"), last(levels, "--docker-host"), volumes, tail, services));
    }

    private static String last(List<Map<String, List<String>>> levels, String option) {
        for (Map<String, List<String>> level : levels.reversed()) {
            List<String> given = level.get(option);
            if (given != null) {
                return given.get(given.size() - 1);
            }
        }
        return null;
    }

    /** What picocli read: {@code stack} with its action as subcommand. */
    public static StackArgs of(ParseResult stack) {
        ParseResult action = stack.subcommand();
        List<String> files = new ArrayList<>();
        for (ParseResult level : List.of(stack, action)) {
            if (level.hasMatchedOption("-f")) {
                files.addAll(List.of(level.matchedOptionValue("-f", new String[0])));
            }
        }
        List<String> services = List.of();
        if (!action.matchedPositionals().isEmpty()) {
            String[] given = action.matchedPositionals().get(0).getValue();
            services = given == null ? List.of() : List.of(given);
        }
        return new StackArgs(action.commandSpec().name(), files, last(stack, action, "-p"),
                last(stack, action, "--project-directory"), last(stack, action, "--env-file"),
                last(stack, action, "--docker-host"), action.hasMatchedOption("-v"),
                action.hasMatchedOption("--tail") ? action.matchedOptionValue("--tail", (String) null) : null,
                services);
    }

    private static String last(ParseResult stack, ParseResult action, String option) {
        if (action.hasMatchedOption(option)) {
            return action.matchedOptionValue(option, (String) null);
        }
        return stack.hasMatchedOption(option) ? stack.matchedOptionValue(option, (String) null) : null;
    }
}
