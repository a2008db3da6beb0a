package io.streamspace.agent.adapter.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streamspace.agent.domain.controlplane.AgentCapacity;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage.Ack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class FileOutboxTest {

    @TempDir
    Path dir;

    private static Ack ack(int i) {
        return new Ack("cmd-" + i);
    }

    private static List<OutboundMessage> acks(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).mapToObj(FileOutboxTest::ack)
                .map(OutboundMessage.class::cast).toList();
    }

    private List<Path> journals() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("journal-\\d+\\.jsonl")).toList();
        }
    }

    private Path journal() throws IOException {
        List<Path> journals = journals();
        assertThat(journals).hasSize(1);
        return journals.get(0);
    }

    @Test
    void everyMessageTypeSurvivesReopenWithAllFields() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("podName", "streamspace-alice-1");
        nested.put("podIP", "172.18.0.5");
        nested.put("ports", List.of(3000, 8080));
        nested.put("labels", Map.of("a", "b"));
        nested.put("nothing", null);
        Map<String, Object> result = new HashMap<>();
        result.put("sessionId", "alice-1");
        result.put("vncPort", 3000);
        result.put("ok", true);
        result.put("ratio", 0.5);
        result.put("text", "line one\nline two \"quoted\" ünïcödé");
        result.put("meta", nested);
        List<OutboundMessage> all = List.of(
                new Ack("cmd-1"),
                new OutboundMessage.Complete("cmd-2", result),
                new OutboundMessage.Complete("cmd-3", null),
                new OutboundMessage.Failed("cmd-4", "image x:1 not found\nand could not be pulled"),
                new OutboundMessage.SessionStatus("alice-1", "running", true, 3000, nested, "started"),
                new OutboundMessage.SessionStatus("alice-2", "failed", null, null, null, null),
                new OutboundMessage.Heartbeat("online", 3, new AgentCapacity(100, "100 cores", "128Gi", null),
                        Map.of("version", "0.1.0")),
                new OutboundMessage.Heartbeat("online", 0, null, null),
                new OutboundMessage.VncReady("alice-1", 3000, "streamspace-alice-1"),
                new OutboundMessage.VncData("alice-1", "AAEC"),
                new OutboundMessage.VncError("alice-1", "refused"),
                new OutboundMessage.Pong());

        try (FileOutbox outbox = FileOutbox.open(dir)) {
            all.forEach(outbox::append);
            assertThat(outbox.peek(100)).isEqualTo(all);
        }
        try (FileOutbox reopened = FileOutbox.open(dir)) {
            assertThat(reopened.size()).isEqualTo(all.size());
            assertThat(reopened.peek(100)).isEqualTo(all);
        }
    }

    @Test
    void keepsAppendOrderAcrossReopen() {
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            acks(0, 50).forEach(outbox::append);
        }
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            acks(50, 60).forEach(outbox::append);
        }
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(1000)).isEqualTo(acks(0, 60));
            assertThat(outbox.peek(5)).isEqualTo(acks(0, 5));
            assertThat(outbox.peek(0)).isEmpty();
        }
    }

    @Test
    void removedMessagesAreNotReturnedAfterReopen() {
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            acks(0, 10).forEach(outbox::append);
            assertThat(outbox.peek(4)).isEqualTo(acks(0, 4));
            outbox.remove(4);
            assertThat(outbox.size()).isEqualTo(6);
        }
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(100)).isEqualTo(acks(4, 10));
            outbox.remove(2);
            outbox.append(ack(10));
        }
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(100)).isEqualTo(acks(6, 11));
        }
    }

    @Test
    void aRemovedHintThatIsUnreadableOfAnotherGenerationOrBeyondTheJournalIsIgnoredAndCleared() throws IOException {
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            acks(0, 5).forEach(outbox::append);
        }
        long journalSize = Files.size(journal());
        String generation = journal().getFileName().toString().replaceAll("\\D", "");
        Path hint = dir.resolve(FileOutbox.REMOVED_FILE);
        for (String content : List.of("{\"generation\":", "not json",
                "{\"generation\":" + (Long.parseLong(generation) + 1) + ",\"offset\":10}",
                "{\"generation\":" + generation + ",\"offset\":" + (journalSize + 1) + "}",
                "{\"generation\":" + generation + ",\"offset\":-3}")) {
            Files.writeString(hint, content);
            try (FileOutbox outbox = FileOutbox.open(dir)) {
                assertThat(outbox.peek(100)).as(content).isEqualTo(acks(0, 5));
            }
            assertThat(hint).as("settled at open: " + content).doesNotExist();
        }
    }

    @Test
    void dropsTheOldestWhenFull() {
        try (FileOutbox outbox = FileOutbox.open(dir, 5, FileOutbox.DEFAULT_COMPACT_THRESHOLD_BYTES)) {
            acks(0, 8).forEach(outbox::append);
            assertThat(outbox.size()).isEqualTo(5);
            assertThat(outbox.peek(100)).isEqualTo(acks(3, 8));
        }
        try (FileOutbox outbox = FileOutbox.open(dir, 5, FileOutbox.DEFAULT_COMPACT_THRESHOLD_BYTES)) {
            assertThat(outbox.peek(100)).isEqualTo(acks(3, 8));
        }
        // A smaller limit on reopen applies at once.
        try (FileOutbox outbox = FileOutbox.open(dir, 2, FileOutbox.DEFAULT_COMPACT_THRESHOLD_BYTES)) {
            assertThat(outbox.peek(100)).isEqualTo(acks(6, 8));
        }
    }

    @Test
    void logsOneErrorPerBurstOfDrops() {
        Logger logger = (Logger) LoggerFactory.getLogger("DockerAgent");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try (FileOutbox outbox = FileOutbox.open(dir, 5, FileOutbox.DEFAULT_COMPACT_THRESHOLD_BYTES)) {
            acks(0, 9).forEach(outbox::append);
            assertThat(errors(logs)).hasSize(1).first().asString().contains("is full");
            outbox.peek(2);
            outbox.remove(2);
            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).contains("4 message(s) were dropped"));
            acks(9, 20).forEach(outbox::append);
            assertThat(errors(logs)).hasSize(2);
            assertThat(outbox.peek(100)).isEqualTo(acks(15, 20));
        } finally {
            logger.detachAppender(logs);
        }
    }

    private static List<String> errors(ListAppender<ILoggingEvent> logs) {
        return logs.list.stream().filter(e -> e.getLevel() == Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void removeAfterDropsRemovesOnlyWhatWasPeeked() {
        try (FileOutbox outbox = FileOutbox.open(dir, 3, FileOutbox.DEFAULT_COMPACT_THRESHOLD_BYTES)) {
            acks(0, 3).forEach(outbox::append);
            List<OutboundMessage> sending = outbox.peek(3);
            assertThat(sending).isEqualTo(acks(0, 3));
            // While those are on the wire, two more arrive and push out cmd-0 and cmd-1.
            outbox.append(ack(3));
            outbox.append(ack(4));
            outbox.remove(sending.size());
            assertThat(outbox.peek(100)).isEqualTo(acks(3, 5));
            // Removing in pieces after one peek follows the peeked head too.
            outbox.append(ack(5));
            outbox.peek(3);
            outbox.remove(1);
            outbox.remove(1);
            assertThat(outbox.peek(100)).isEqualTo(acks(5, 6));
            // More than there is: removes what is there, and later appends are untouched.
            outbox.remove(10);
            outbox.append(ack(6));
            outbox.remove(0);
            assertThat(outbox.peek(100)).isEqualTo(acks(6, 7));
        }
    }

    @Test
    void skipsATornLastLineAndKeepsAppending() throws IOException {
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            acks(0, 3).forEach(outbox::append);
        }
        // The agent died in the middle of writing a fourth line.
        Files.write(journal(), "{\"v\":1,\"type\":\"ack\",\"payload\":{\"comm".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(100)).isEqualTo(acks(0, 3));
            outbox.append(ack(3));
        }
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(100)).isEqualTo(acks(0, 4));
        }
        assertThat(Files.readString(journal())).doesNotContain("comm\n").endsWith("\n");
    }

    @Test
    void skipsAnUnreadableLineInTheMiddle() throws IOException {
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            outbox.append(ack(0));
        }
        Files.write(journal(), "not json at all\n{\"v\":1,\"type\":\"martian\",\"payload\":{}}\n"
                .getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            outbox.append(ack(1));
            assertThat(outbox.peek(100)).isEqualTo(acks(0, 2));
            outbox.peek(1);
            outbox.remove(1);
        }
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(100)).isEqualTo(acks(1, 2));
        }
    }

    @Test
    void compactsTheJournalWhenEverythingWasRemoved() throws IOException {
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            acks(0, 20).forEach(outbox::append);
            assertThat(Files.size(journal())).isPositive();
            outbox.peek(20);
            outbox.remove(20);
            assertThat(Files.size(journal())).isZero();
            outbox.append(ack(20));
        }
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(100)).isEqualTo(acks(20, 21));
        }
    }

    @Test
    void compactsTheJournalWhenTheConsumedPartGrowsBeyondTheThreshold() throws IOException {
        long threshold = 512;
        try (FileOutbox outbox = FileOutbox.open(dir, 1000, threshold)) {
            acks(0, 100).forEach(outbox::append);
            long full = Files.size(journal());
            for (int i = 0; i < 90; i++) {
                outbox.peek(1);
                outbox.remove(1);
            }
            // Never more than threshold + one line of consumed bytes stays in the journal.
            long tenLines = full / 10;
            assertThat(Files.size(journal())).isLessThan(tenLines + threshold + 50);
            assertThat(journals()).hasSize(1);
        }
        try (FileOutbox outbox = FileOutbox.open(dir, 1000, threshold)) {
            assertThat(outbox.peek(1000)).isEqualTo(acks(90, 100));
        }
    }

    @Test
    void concurrentAppendsFromManyThreadsAllSurvive() throws Exception {
        int threads = 16;
        int perThread = 50;
        try (FileOutbox outbox = FileOutbox.open(dir);
             ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        outbox.append(new Ack("t" + thread + "-" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
            assertThat(outbox.size()).isEqualTo(threads * perThread);
        }
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            List<String> ids = outbox.peek(100_000).stream().map(m -> ((Ack) m).commandId()).toList();
            assertThat(ids).hasSize(threads * perThread).doesNotHaveDuplicates();
            for (int t = 0; t < threads; t++) {
                String prefix = "t" + t + "-";
                List<String> own = ids.stream().filter(id -> id.startsWith(prefix)).toList();
                assertThat(own).as("thread %d in its own order", t)
                        .isEqualTo(IntStream.range(0, perThread).mapToObj(i -> prefix + i).toList());
            }
        }
    }

    @Test
    void aSecondOpenerOfTheSameDirectoryIsRefused() {
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            outbox.append(ack(0));
            assertThatThrownBy(() -> FileOutbox.open(dir))
                    .isInstanceOf(OutboxInUseException.class)
                    .hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("must not share");
            assertThat(outbox.peek(10)).isEqualTo(acks(0, 1));
        }
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThat(outbox.peek(10)).isEqualTo(acks(0, 1));
        }
    }

    @Test
    void closeIsIdempotentAndAClosedOutboxRefusesWork() {
        FileOutbox outbox = FileOutbox.open(dir);
        outbox.close();
        outbox.close();
        assertThatThrownBy(() -> outbox.append(ack(0))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(outbox::size).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> FileOutbox.open(dir, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        try (FileOutbox outbox = FileOutbox.open(dir)) {
            assertThatThrownBy(() -> outbox.remove(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> outbox.peek(-1)).isInstanceOf(IllegalArgumentException.class);
            Map<String, Object> notJson = Map.of("x", new Object());
            assertThatThrownBy(() -> outbox.append(new OutboundMessage.Complete("c", notJson)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(outbox.size()).isZero();
        }
    }
}
