package io.streamspace.agent.bootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class CommandLineSpecTest {

    @Test
    void aSubcommandsOwnLineHoldsOnlyThatSubcommand() {
        for (String name : CommandLineSpec.SUBCOMMANDS) {
            assertThat(CommandLineSpec.buildFor(name).getSubcommands()).as(name).containsOnlyKeys(name);
        }
        assertThat(CommandLineSpec.build().getSubcommands()).containsOnlyKeys(CommandLineSpec.SUBCOMMANDS);
        assertThat(CommandLineSpec.buildFor(CommandLineSpec.STACK).getSubcommands().get(CommandLineSpec.STACK)
                .getSubcommands()).containsOnlyKeys(CommandLineSpec.STACK_ACTIONS);
        assertThatThrownBy(() -> CommandLineSpec.buildFor("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no subcommand nope");
    }

    @Test
    void aSubcommandsOwnLineParsesExactlyAsTheWholeLine() {
        List<String[]> lines = List.of(
                new String[] {"run", "--agent-id", "a1", "--control-plane-url", "ws://127.0.0.1:1", "--enable-ha"},
                new String[] {"run", "--max-sessions", "3", "--config", "/etc/agent.yml", "--log-level", "debug"},
                new String[] {"run", "--help"},
                new String[] {"stack", "-f", "a.yml", "-f", "b.yml", "-p", "demo", "up", "-d"},
                new String[] {"stack", "-p", "up", "up"}, // refused alike: picocli takes "up" for the action
                new String[] {"stack", "--project-name=up", "up"},
                new String[] {"stack", "logs", "--tail", "5", "web", "db"},
                new String[] {"stack", "down", "-v", "-p", "demo"},
                new String[] {"compose-agent", "--listen", "127.0.0.1:7000"},
                new String[] {"dev", "--port", "0"},
                new String[] {"socket-proxy", "--help"},
                new String[] {"version"});
        for (String[] line : lines) {
            assertThat(parse(CommandLineSpec.buildFor(line[0]), line)).as(String.join(" ", line))
                    .isEqualTo(parse(CommandLineSpec.build(), line));
        }
    }

    @Test
    void anUnknownFlagIsRefusedTheSameWay() {
        String[] line = {"run", "--no-such-flag"};
        assertThatThrownBy(() -> CommandLineSpec.buildFor("run").parseArgs(line))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class)
                .hasMessageContaining("--no-such-flag");
        assertThatThrownBy(() -> CommandLineSpec.build().parseArgs(line))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class)
                .hasMessageContaining("--no-such-flag");
    }

    private static List<String> parse(CommandLine commandLine, String[] line) {
        try {
            return describe(commandLine.parseArgs(line));
        } catch (CommandLine.ParameterException e) {
            return List.of("refused: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Every level's command, matched options with their values, positionals and help requests. */
    private static List<String> describe(ParseResult parsed) {
        List<String> out = new ArrayList<>();
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            out.add("command " + level.commandSpec().name() + " help=" + level.isUsageHelpRequested());
            level.matchedOptions().forEach(o -> out.add(o.longestName() + "=" + o.stringValues()));
            level.matchedPositionals().forEach(p -> out.add("positional " + p.stringValues()));
        }
        return out;
    }
}
