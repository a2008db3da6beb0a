package io.streamspace.agent.adapter.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real crashes: a child JVM using the outbox is killed with SIGKILL. */
@Timeout(120)
class FileOutboxCrashTest {

    @TempDir
    Path tmp;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process child(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"),
                OutboxChild.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectError(tmp.resolve("child-" + children.size() + ".err").toFile())
                .start();
        children.add(process);
        return process;
    }

    private static BufferedReader stdout(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private String childErrors() throws IOException {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < children.size(); i++) {
            Path err = tmp.resolve("child-" + i + ".err");
            if (Files.exists(err)) {
                all.append(Files.readString(err));
            }
        }
        return all.toString();
    }

    /**
     * SIGKILL. Through the process handle, because {@link Process#destroyForcibly()} also closes our end of the
     * child's stdout, and the test must still read what the child printed before it died.
     */
    private static void kill(Process process) throws InterruptedException {
        assertThat(process.toHandle().destroyForcibly()).isTrue();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    }

    @Test
    void everyAppendThatReturnedSurvivesKillDashNine() throws Exception {
        Path dir = tmp.resolve("outbox");
        Process child = child("append", dir.toString(), "1000000");
        BufferedReader out = stdout(child);
        int lastPrinted = -1;
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("appended ")) {
                lastPrinted = Integer.parseInt(line.substring("appended ".length()));
                if (lastPrinted >= 500) {
                    break;
                }
            }
        }
        assertThat(lastPrinted).as("child output; stderr: %s", childErrors()).isGreaterThanOrEqualTo(500);
        kill(child);
        boolean finished = false;
        while ((line = out.readLine()) != null) { // what it printed before it died
            if (line.startsWith("appended ")) {
                lastPrinted = Integer.parseInt(line.substring("appended ".length()));
            }
            finished |= line.equals("done");
        }
        assertThat(finished).as("killed in the middle of appending").isFalse();

        try (FileOutbox outbox = FileOutbox.open(dir)) {
            List<OutboundMessage> stored = outbox.peek(Integer.MAX_VALUE);
            // Everything reported as appended is there, in order; at most the one append that returned but was not
            // yet reported is there too, and nothing torn or invented.
            assertThat(stored.size()).isBetween(lastPrinted + 1, lastPrinted + 2);
            assertThat(stored).isEqualTo(IntStream.range(0, stored.size()).mapToObj(OutboxChild::message).toList());
            outbox.append(OutboxChild.message(stored.size()));
        }
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            int size = outbox.size();
            assertThat(outbox.peek(size)).last().isEqualTo(OutboxChild.message(size - 1));
        }
    }

    @Test
    void aRemoveThatReturnedSurvivesKillDashNine() throws Exception {
        Path dir = tmp.resolve("outbox");
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            IntStream.range(0, 5).mapToObj(OutboxChild::message).forEach(outbox::append);
        }
        Process child = child("remove", dir.toString(), "3");
        assertThat(stdout(child).readLine()).as("stderr: %s", childErrors()).isEqualTo("removed");
        kill(child);
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(100))
                    .isEqualTo(IntStream.range(3, 5).mapToObj(OutboxChild::message).toList());
        }
    }

    /**
     * Five messages; a child removes three and is killed; then the offset file is put back as it was before the
     * removal: the state of a kill after {@code remove} recorded its head and before the synced offset caught up.
     */
    private Path killedAfterARemovalWithTheOffsetPutBack() throws Exception {
        Path dir = tmp.resolve("outbox");
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            IntStream.range(0, 5).mapToObj(OutboxChild::message).forEach(outbox::append);
        }
        Path offset = dir.resolve(FileOutbox.OFFSET_FILE);
        byte[] offsetBefore = Files.exists(offset) ? Files.readAllBytes(offset) : null;
        Process child = child("remove", dir.toString(), "3");
        assertThat(stdout(child).readLine()).as("stderr: %s", childErrors()).isEqualTo("removed");
        kill(child);
        assertThat(dir.resolve(FileOutbox.REMOVED_FILE)).as("the removal's head, recorded ahead").exists();
        if (offsetBefore == null) {
            Files.delete(offset);
        } else {
            Files.write(offset, offsetBefore);
        }
        return dir;
    }

    @Test
    void aRemovalIsNotUndoneByAKillBeforeItsOffsetWasSaved() throws Exception {
        Path dir = killedAfterARemovalWithTheOffsetPutBack();
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(100)).isEqualTo(IntStream.range(3, 5).mapToObj(OutboxChild::message).toList());
        }
        assertThat(dir.resolve(FileOutbox.REMOVED_FILE)).as("followed, saved and cleared").doesNotExist();
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(100)).isEqualTo(IntStream.range(3, 5).mapToObj(OutboxChild::message).toList());
        }
    }

    @Test
    void withoutTheRecordedHeadAKillBeforeTheOffsetWasSavedSendsTheRemovedMessagesAgainAndLosesNothing()
            throws Exception {
        Path dir = killedAfterARemovalWithTheOffsetPutBack();
        Files.delete(dir.resolve(FileOutbox.REMOVED_FILE)); // what a power cut may do to a file never synced
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(100)).isEqualTo(IntStream.range(0, 5).mapToObj(OutboxChild::message).toList());
        }
    }

    @Test
    void aSecondProcessIsRefusedUntilTheFirstDies() throws Exception {
        Path dir = tmp.resolve("outbox");
        Process holder = child("hold", dir.toString());
        assertThat(stdout(holder).readLine()).as("stderr: %s", childErrors()).isEqualTo("opened");

        assertThatThrownBy(() -> FileOutbox.open(dir))
                .isInstanceOf(OutboxInUseException.class)
                .hasMessageContaining("in use by another agent")
                .hasMessageContaining("pid " + holder.pid());

        kill(holder);
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.size()).isZero();
        }
    }
}
