package io.streamspace.agent.bootstrap.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.adapter.host.FileCommandJournal;
import io.streamspace.agent.adapter.host.FileOutbox;
import io.streamspace.agent.application.port.out.CommandJournal;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a process whose answer to a command is stored in the outbox and whose journal entry for that
 * command has not ended yet (ADR 0031): the next process, with the journal as the agent wires it, sends the stored
 * answer and does not answer the command a second time; a command with no answer stored is still left to answer.
 */
@Timeout(120)
class AnsweredBeforeKillTest {

    @TempDir
    Path tmp;

    @Test
    void aCommandWhoseAnswerWaitsInTheOutboxIsNotAnsweredAgainAfterAKill() throws Exception {
        Path dir = tmp.resolve("outbox");
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), AnswerThenDieChild.class.getName(), dir.toString())
                .redirectError(tmp.resolve("child.err").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.equals("stored")) {
                line = out.readLine(); // the agent's log lines
            }
            assertThat(line).as("child's stderr: %s", stderr()).isEqualTo("stored");
            assertThat(child.toHandle().destroyForcibly()).isTrue();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
        } finally {
            child.destroyForcibly();
        }

        // the state the kill left: both entries in the journal, the answer in the outbox
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(FileCommandJournal.open(dir.resolve("commands")).unfinishedAtStart())
                    .extracting(CommandJournal.Entry::commandId).containsExactly("c-answered", "c-open");
        }
        // the next process
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            CommandJournal journal = ControlPlaneModule.commandJournal(outbox);
            assertThat(journal.unfinishedAtStart()).as("left for the reconciler to answer")
                    .extracting(CommandJournal.Entry::commandId).containsExactly("c-open");
            assertThat(outbox.peek(10)).as("sent from the outbox once the link is up").containsExactly(
                    new OutboundMessage.Complete("c-answered", Map.of("sessionId", "s-answered")));
        }
        // and the one after it: the settled entry stays ended
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(ControlPlaneModule.commandJournal(outbox).unfinishedAtStart())
                    .extracting(CommandJournal.Entry::commandId).containsExactly("c-open");
        }
    }

    private String stderr() throws java.io.IOException {
        Path err = tmp.resolve("child.err");
        return Files.exists(err) ? Files.readString(err) : "";
    }
}
