package io.streamspace.agent.bootstrap.cli;

import io.streamspace.agent.bootstrap.config.Setting;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code run} command line read without picocli, for the forms that operators, images and units write:
 * {@code --flag value} and {@code --flag=value} of run's own settings, each at most once. Anything else (help,
 * version, an unknown or repeated flag, a value that is empty or starts with '-' or '@', a positional argument,
 * {@code --enable-ha} without '=') is left to picocli, which gives the same result or the precise error. Building
 * picocli's model and parsing with it took ~100 ms of every agent start (docs/benchmarks.md, start-up, ADR 0023).
 */
public final class RunCommandLine {

    /** The flags given, by setting, and the {@code --config} file when one was named. */
    public record Parsed(Map<Setting, String> flags, String configFile) {
    }

    private static final Map<String, Setting> FLAGS = new HashMap<>();

    static {
        for (Setting setting : CommandLineSpec.agentSettings()) {
            FLAGS.put(setting.flag(), setting);
        }
    }

    private RunCommandLine() {
    }

    /** {@code line} starts with {@code run}; empty when picocli must read it. */
    public static Optional<Parsed> parse(String[] line) {
        if (line.length == 0 || !CommandLineSpec.RUN.equals(line[0])) {
            return Optional.empty();
        }
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        String configFile = null;
        for (int i = 1; i < line.length; i++) {
            String arg = line[i];
            if (!arg.startsWith("--")) {
                return Optional.empty();
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            Optional<OptionValue> given = OptionValue.of(line, i, equals);
            if (given.isEmpty()) {
                return Optional.empty();
            }
            String value = given.get().text();
            i = given.get().last();
            if (name.equals(CommandLineSpec.CONFIG_FLAG)) {
                if (configFile != null) {
                    return Optional.empty();
                }
                configFile = value;
                continue;
            }
            Setting setting = FLAGS.get(name);
            if (setting == null || flags.containsKey(setting) || (setting == Setting.ENABLE_HA && equals < 0)) {
                return Optional.empty();
            }
            flags.put(setting, value);
        }
        return Optional.of(new Parsed(flags, configFile));
    }
}
