package io.streamspace.agent.adapter.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.LeaderLock.Lease;
import io.streamspace.agent.application.port.out.LeaderLockUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLeaderLockTest {

    private static final String AGENT = "docker-prod-cluster";

    @TempDir
    Path tmp;

    @Test
    void createsMissingDirectoriesAndKeepsTheEpochInTheFileAcrossReopening() throws Exception {
        Path path = tmp.resolve("a/b/c/agent.lock");
        long first;
        try (FileLeaderLock lock = FileLeaderLock.open(path, AGENT)) {
            Lease lease = lock.tryAcquire("host-a").orElseThrow();
            first = lease.epoch().value();
            assertThat(Files.readString(path)).contains("epoch=" + first, "holder=host-a", "agent=" + AGENT,
                    "pid=" + ProcessHandle.current().pid());
            lock.release(lease);
            assertThat(Files.readString(path)).contains("epoch=" + first, "holder=\n");
        }
        try (FileLeaderLock lock = FileLeaderLock.open(path, AGENT)) {
            assertThat(lock.tryAcquire("host-b").orElseThrow().epoch().value()).isEqualTo(first + 1);
        }
        assertThat(Files.size(path)).isEqualTo(FileLeaderLock.RECORD_SIZE);
    }

    @Test
    void closingReleases() {
        Path path = tmp.resolve("agent.lock");
        FileLeaderLock a = FileLeaderLock.open(path, AGENT);
        a.tryAcquire("host-a").orElseThrow();
        a.close();
        try (FileLeaderLock b = FileLeaderLock.open(path, AGENT)) {
            assertThat(b.currentHolder()).isEmpty();
            assertThat(b.tryAcquire("host-b")).isPresent();
        }
    }

    @Test
    void anUnusablePathIsAClearError() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("plain-file"), "x");
        assertThatThrownBy(() -> FileLeaderLock.open(notADirectory.resolve("agent.lock"), AGENT))
                .isInstanceOf(LeaderLockUnavailableException.class)
                .hasMessage("Cannot create the directory of the leader lock file " + notADirectory.resolve("agent.lock")
                        + ": " + notADirectory + " exists and is not a directory (set --lock-file-path /"
                        + " LOCK_FILE_PATH to a writable place)");

        Path directory = Files.createDirectories(tmp.resolve("a-directory"));
        assertThatThrownBy(() -> FileLeaderLock.open(directory, AGENT))
                .isInstanceOf(LeaderLockUnavailableException.class)
                .hasMessageStartingWith("Cannot open the leader lock file " + directory + ": ")
                .hasMessageEndingWith("(set --lock-file-path / LOCK_FILE_PATH to a writable file)");
    }

    @Test
    void aFileOfAnotherAgentIsRefused() {
        Path path = tmp.resolve("agent.lock");
        try (FileLeaderLock other = FileLeaderLock.open(path, "other-agent")) {
            other.release(other.tryAcquire("host-x").orElseThrow());
        }
        try (FileLeaderLock lock = FileLeaderLock.open(path, AGENT)) {
            assertThatThrownBy(() -> lock.tryAcquire("host-a"))
                    .isInstanceOf(LeaderLockUnavailableException.class)
                    .hasMessage("The leader lock file " + path + " belongs to agent other-agent, not " + AGENT
                            + "; give each agent its own --lock-file-path");
            assertThat(lock.currentHolder()).as("the refused attempt left the lock free").isEmpty();
        }
    }

    @Test
    void anUnreadableEpochIsNeverGuessed() throws Exception {
        Path path = Files.writeString(tmp.resolve("agent.lock"), "agent=" + AGENT + "\nepoch=banana\n");
        try (FileLeaderLock lock = FileLeaderLock.open(path, AGENT)) {
            assertThatThrownBy(() -> lock.tryAcquire("host-a"))
                    .isInstanceOf(LeaderLockUnavailableException.class)
                    .hasMessageContaining("holds no readable epoch ('banana')");
        }
    }

    @Test
    void aDeletedOrReplacedLockFileEndsTheTerm() throws Exception {
        Path path = tmp.resolve("agent.lock");
        try (FileLeaderLock lock = FileLeaderLock.open(path, AGENT)) {
            Lease lease = lock.tryAcquire("host-a").orElseThrow();
            assertThat(lock.renew(lease)).isTrue();

            Files.delete(path);
            assertThat(lock.renew(lease)).isFalse();

            Files.writeString(path, "");
            assertThat(lock.renew(lease)).as("another file now at the path").isFalse();
        }
    }
}
