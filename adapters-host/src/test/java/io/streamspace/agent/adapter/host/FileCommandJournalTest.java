package io.streamspace.agent.adapter.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.out.CommandJournal.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCommandJournalTest {

    @TempDir
    Path dir;

    @Test
    void whatWasBegunAndNotEndedIsFoundByTheNextOpenInArrivalOrder() throws Exception {
        FileCommandJournal first = FileCommandJournal.open(dir);
        assertThat(first.unfinishedAtStart()).isEmpty();
        for (int i = 0; i < 12; i++) {
            first.begin(new Entry("cmd-" + i, "start_session", "s" + i));
        }
        first.begin(new Entry("cmd-/../x " + "y".repeat(300), "stop_session", null));
        first.end("cmd-3");
        first.end("cmd-3");
        first.end("never-begun");
        assertThat(first.size()).isEqualTo(12);

        // no close: the process was killed
        FileCommandJournal second = FileCommandJournal.open(dir);
        assertThat(second.unfinishedAtStart()).extracting(Entry::commandId)
                .containsExactly("cmd-0", "cmd-1", "cmd-2", "cmd-4", "cmd-5", "cmd-6", "cmd-7", "cmd-8", "cmd-9",
                        "cmd-10", "cmd-11", "cmd-/../x " + "y".repeat(300));
        assertThat(second.unfinishedAtStart().get(0)).isEqualTo(new Entry("cmd-0", "start_session", "s0"));
        assertThat(second.unfinishedAtStart().get(11).sessionId()).isNull();
        second.unfinishedAtStart().forEach(e -> second.end(e.commandId()));
        second.begin(new Entry("cmd-new", "start_session", "n"));
        assertThat(FileCommandJournal.open(dir).unfinishedAtStart()).extracting(Entry::commandId)
                .containsExactly("cmd-new");
    }

    @Test
    void aTornTempFileAndAnUnreadableEntryAreSkipped() throws Exception {
        Files.writeString(dir.resolve("abc.json.7.tmp"), "{\"commandId\":");
        Files.writeString(dir.resolve("def.json"), "not json");
        Files.writeString(dir.resolve("ok.json"), "{\"commandId\":\"c1\",\"action\":\"start_session\","
                + "\"sessionId\":\"s1\",\"seq\":4}");
        FileCommandJournal journal = FileCommandJournal.open(dir);
        assertThat(journal.unfinishedAtStart()).containsExactly(new Entry("c1", "start_session", "s1"));
        assertThat(dir.resolve("abc.json.7.tmp")).doesNotExist();
        assertThat(dir.resolve("def.json")).doesNotExist();
    }

    @Test
    void aBatchIsBegunTogetherAndSurvivesAKillInOrder() {
        FileCommandJournal first = FileCommandJournal.open(dir);
        first.beginAll(java.util.List.of(new Entry("b1", "start_session", "s1"), new Entry("b2", "stop_session", "s2"),
                new Entry("b3", "start_session", null)));
        first.end("b2");
        assertThat(first.size()).isEqualTo(2);
        assertThat(FileCommandJournal.open(dir).unfinishedAtStart())
                .containsExactly(new Entry("b1", "start_session", "s1"), new Entry("b3", "start_session", null));
    }

    @Test
    void aTornLastLineOfTheLogIsSkipped() throws Exception {
        FileCommandJournal first = FileCommandJournal.open(dir);
        first.begin(new Entry("c1", "start_session", "s1"));
        // a crash in the middle of appending the next batch: never synced, so never acknowledged
        Files.writeString(dir.resolve(FileCommandJournal.LOG_NAME), "{\"begin\":{\"commandId\":\"c2\",\"act",
                java.nio.file.StandardOpenOption.APPEND);
        FileCommandJournal second = FileCommandJournal.open(dir);
        assertThat(second.unfinishedAtStart()).containsExactly(new Entry("c1", "start_session", "s1"));
        second.begin(new Entry("c3", "stop_session", "s3"));
        assertThat(FileCommandJournal.open(dir).unfinishedAtStart()).extracting(Entry::commandId)
                .containsExactly("c1", "c3");
    }

    @Test
    void entriesLeftByTheFilePerCommandFormatAreMovedIntoTheLog() throws Exception {
        Files.writeString(dir.resolve("aaa.json"), "{\"commandId\":\"old-2\",\"action\":\"stop_session\","
                + "\"sessionId\":\"s2\",\"seq\":9}");
        Files.writeString(dir.resolve("bbb.json"), "{\"commandId\":\"old-1\",\"action\":\"start_session\","
                + "\"sessionId\":\"s1\",\"seq\":3}");
        FileCommandJournal journal = FileCommandJournal.open(dir);
        assertThat(journal.unfinishedAtStart()).extracting(Entry::commandId).containsExactly("old-1", "old-2");
        assertThat(dir.resolve("aaa.json")).doesNotExist();
        journal.begin(new Entry("new", "start_session", "s3"));
        journal.end("old-1");
        assertThat(FileCommandJournal.open(dir).unfinishedAtStart()).extracting(Entry::commandId)
                .containsExactly("old-2", "new");
    }

    @Test
    void theLogIsCompactedAsItGrowsAndKeepsWhatIsLive() throws Exception {
        FileCommandJournal journal = FileCommandJournal.open(dir);
        journal.begin(new Entry("keep", "start_session", "k"));
        for (int i = 0; i < 4000; i++) {
            journal.begin(new Entry("c" + i, "start_session", "s" + i));
            journal.end("c" + i);
        }
        assertThat(Files.size(dir.resolve(FileCommandJournal.LOG_NAME)))
                .isLessThanOrEqualTo(FileCommandJournal.COMPACT_BYTES + 200);
        journal.end("keep");
        assertThat(Files.size(dir.resolve(FileCommandJournal.LOG_NAME))).isZero();
        journal.begin(new Entry("after", "start_session", "a"));
        assertThat(FileCommandJournal.open(dir).unfinishedAtStart()).extracting(Entry::commandId)
                .containsExactly("after");
    }
}
