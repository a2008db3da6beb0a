package io.streamspace.agent.bootstrap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The fast reading of {@code stack ACTION} against picocli's: the same result, or it leaves the line to picocli. */
class StackArgsTest {

    @Test
    void readsTheFormsDockerComposeUsersWrite() {
        assertThat(StackArgs.parseQuickly(new String[] {"stack", "-f", "a.yml", "-f", "b.yml", "-p", "shop", "up", "-d"}))
                .contains(new StackArgs("up", List.of("a.yml", "b.yml"), "shop", null, null, null, false, null,
                        List.of()));
        assertThat(StackArgs.parseQuickly(new String[] {"stack", "--project-name=old", "--file", "a.yml", "down",
                "--project-name", "new", "-f", "c.yml", "-v", "--docker-host=unix:///run/x.sock"}))
                .contains(new StackArgs("down", List.of("a.yml", "c.yml"), "new", null, null, "unix:///run/x.sock",
                        true, null, List.of()));
        assertThat(StackArgs.parseQuickly(new String[] {"stack", "-p", "shop", "logs", "--tail", "20", "web", "db"}))
                .contains(new StackArgs("logs", List.of(), "shop", null, null, null, false, "20", List.of("web", "db")));
        assertThat(StackArgs.parseQuickly(new String[] {"stack", "--env-file", "x.env", "--project-directory", "/srv",
                "restart"})).contains(new StackArgs("restart", List.of(), null, "/srv", "x.env", null, false, null,
                List.of()));
    }

    @Test
    void leavesEverythingElseToPicocli() {
        for (String[] line : List.of(
                new String[] {"stack"}, new String[] {"stack", "-f", "a.yml"}, new String[] {"stack", "--help"},
                new String[] {"stack", "up", "--help"}, new String[] {"stack", "up", "-h"},
                new String[] {"stack", "-V", "up"}, new String[] {"stack", "bogus"},
                new String[] {"stack", "-p", "a", "-p", "b", "up"}, new String[] {"stack", "up", "-d", "-d"},
                new String[] {"stack", "-d", "up"}, new String[] {"stack", "up", "-v"},
                new String[] {"stack", "down", "-vd"}, new String[] {"stack", "up", "web"},
                new String[] {"stack", "-f", "up"}, new String[] {"stack", "-f", "", "up"},
                new String[] {"stack", "-f=a.yml", "up"}, new String[] {"stack", "-fa.yml", "up"},
                new String[] {"stack", "--file", "@args", "up"}, new String[] {"stack", "@args"},
                new String[] {"stack", "-p"}, new String[] {"stack", "up", "--", "x"},
                new String[] {"stack", "up", "--detach=true"}, new String[] {"stack", "ps", "--tail", "3"},
                new String[] {"stack", "logs", "--tail", "1", "--tail", "2"}, new String[] {"run"}, new String[] {})) {
            assertThat(StackArgs.parseQuickly(line)).as(String.join(" ", line)).isEmpty();
        }
    }

    /** Generated lines mixing good and bad options, values, actions and forms: a fast result is picocli's result. */
    @Test
    void whateverItReadsPicocliReadsTheSame() {
        List<String> options = List.of("-f", "--file", "-p", "--project-name", "--project-directory", "--env-file",
                "--docker-host", "-d", "--detach", "-v", "--volumes", "--tail", "-h", "--help", "-V", "--no-such", "-x");
        List<String> values = List.of("a.yml", "b.yml", "shop", "/srv/app", "unix:///run/d.sock", "5", "web", "db",
                "", "-1", "up", "--file", "@file", "two words", "all");
        List<String> actions = CommandLineSpec.STACK_ACTIONS;
        Random random = new Random(20261207);
        int fast = 0;
        for (int n = 0; n < 4000; n++) {
            List<String> line = new ArrayList<>(List.of("stack"));
            addOptions(line, options, values, random, random.nextInt(4));
            if (random.nextInt(10) < 9) {
                line.add(actions.get(random.nextInt(actions.size())));
            }
            addOptions(line, options, values, random, random.nextInt(4));
            for (int s = random.nextInt(3); s > 0; s--) {
                line.add(values.get(random.nextInt(random.nextInt(10) < 8 ? 8 : values.size())));
            }
            String[] args = line.toArray(String[]::new);
            Optional<StackArgs> quick = StackArgs.parseQuickly(args);
            if (quick.isEmpty()) {
                continue;
            }
            fast++;
            ParseResult parsed;
            try {
                parsed = CommandLineSpec.buildFor(CommandLineSpec.STACK).parseArgs(args).subcommand();
            } catch (CommandLine.ParameterException e) {
                throw new AssertionError("read quickly, refused by picocli: " + String.join(" | ", line), e);
            }
            assertThat(parsed.subcommand()).as(String.join(" | ", line)).isNotNull();
            assertThat(parsed.subcommand().isUsageHelpRequested() || parsed.subcommand().isVersionHelpRequested())
                    .isFalse();
            assertThat(quick.get()).as(String.join(" | ", line)).isEqualTo(StackArgs.of(parsed));
        }
        assertThat(fast).as("lines read without picocli").isGreaterThan(400);
    }

    private static void addOptions(List<String> line, List<String> options, List<String> values, Random random,
                                   int count) {
        for (int i = 0; i < count; i++) {
            String option = options.get(random.nextInt(random.nextInt(10) < 8 ? 7 : options.size()));
            String value = values.get(random.nextInt(random.nextInt(10) < 8 ? 8 : values.size()));
            switch (random.nextInt(6)) {
                case 0 -> line.add(option + "=" + value);
                case 1 -> line.add(option);
                default -> {
                    line.add(option);
                    line.add(value);
                }
            }
        }
    }
}
