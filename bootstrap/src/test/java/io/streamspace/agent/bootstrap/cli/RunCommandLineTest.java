package io.streamspace.agent.bootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.config.Setting;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/** The fast reading of {@code run} against picocli's: the same result, or it leaves the line to picocli. */
class RunCommandLineTest {

    @Test
    void readsTheFormsOperatorsWrite() {
        assertThat(parse("run")).contains(new RunCommandLine.Parsed(Map.of(), null));
        assertThat(parse("run", "--agent-id", "a1", "--control-plane-url=ws://cp:8080/x?a=b", "--enable-ha=true",
                "--config", "/etc/agent.yml", "--max-sessions", "3")).contains(new RunCommandLine.Parsed(Map.of(
                Setting.AGENT_ID, "a1", Setting.CONTROL_PLANE_URL, "ws://cp:8080/x?a=b", Setting.ENABLE_HA, "true",
                Setting.MAX_SESSIONS, "3"), "/etc/agent.yml"));
    }

    @Test
    void leavesEverythingElseToPicocli() {
        for (String[] line : List.of(
                new String[] {"run", "--help"}, new String[] {"run", "-h"}, new String[] {"run", "--version"},
                new String[] {"run", "--enable-ha"}, new String[] {"run", "--enable-ha", "--agent-id", "a"},
                new String[] {"run", "--agent-id", "a", "--agent-id", "b"}, new String[] {"run", "--no-such", "x"},
                new String[] {"run", "--agent-id"}, new String[] {"run", "--agent-id", "--max-sessions", "3"},
                new String[] {"run", "--agent-id="}, new String[] {"run", "--agent-id", "@args.txt"},
                new String[] {"run", "extra"}, new String[] {"run", "--listen", "127.0.0.1:7000"},
                new String[] {"run", "--config", "a", "--config=b"}, new String[] {"dev"}, new String[] {})) {
            assertThat(RunCommandLine.parse(line)).as(String.join(" ", line)).isEmpty();
        }
    }

    /** Generated lines mixing good and bad flags, values and forms: a fast result is always picocli's result. */
    @Test
    void whateverItReadsPicocliReadsTheSame() {
        List<String> flags = new ArrayList<>();
        CommandLineSpec.agentSettings().forEach(s -> flags.add(s.flag()));
        flags.addAll(List.of(CommandLineSpec.CONFIG_FLAG, "--no-such-flag", "--help", "-h", "-V", "--listen"));
        List<String> values = List.of("a1", "ws://127.0.0.1:1/path?x=1", "3", "true", "false", "a=b", "", "-1",
                "--agent-id", "@file", "run", "two words", "\"quoted\"", "2Gi", " ");
        Random random = new Random(20261206);
        int fast = 0;
        for (int n = 0; n < 3000; n++) {
            List<String> line = new ArrayList<>(List.of("run"));
            int count = random.nextInt(5);
            for (int i = 0; i < count; i++) {
                String flag = random.nextInt(10) < 8 ? flags.get(random.nextInt(CommandLineSpec.agentSettings().size()))
                        : flags.get(random.nextInt(flags.size()));
                String value = values.get(random.nextInt(random.nextInt(10) < 8 ? 6 : values.size()));
                switch (random.nextInt(5)) {
                    case 0 -> line.add(flag + "=" + value);
                    case 1 -> line.add(flag);
                    case 2 -> line.add(value);
                    default -> {
                        line.add(flag);
                        line.add(value);
                    }
                }
            }
            String[] args = line.toArray(String[]::new);
            Optional<RunCommandLine.Parsed> quick = RunCommandLine.parse(args);
            if (quick.isEmpty()) {
                continue;
            }
            fast++;
            ParseResult parsed = CommandLineSpec.buildFor(CommandLineSpec.RUN).parseArgs(args).subcommand();
            assertThat(quick.get()).as(String.join(" | ", line)).isEqualTo(picocli(parsed));
        }
        assertThat(fast).as("lines read without picocli").isGreaterThan(500);
    }

    private static RunCommandLine.Parsed picocli(ParseResult run) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        for (Setting setting : CommandLineSpec.agentSettings()) {
            if (run.hasMatchedOption(setting.flag())) {
                flags.put(setting, run.matchedOptionValue(setting.flag(), (String) null));
            }
        }
        String config = run.hasMatchedOption(CommandLineSpec.CONFIG_FLAG)
                ? run.matchedOptionValue(CommandLineSpec.CONFIG_FLAG, (String) null) : null;
        assertThat(run.isUsageHelpRequested() || run.isVersionHelpRequested()).isFalse();
        return new RunCommandLine.Parsed(flags, config);
    }

    private static Optional<RunCommandLine.Parsed> parse(String... line) {
        return RunCommandLine.parse(line);
    }

}
