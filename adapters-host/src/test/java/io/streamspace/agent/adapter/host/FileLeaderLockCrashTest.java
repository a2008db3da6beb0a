package io.streamspace.agent.adapter.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agent JVMs on one lock file, each running the real election service ({@link FileLeaderLockChild}): one leads,
 * the other stands by, and takes over when the leader is killed with SIGKILL (the kernel frees the lock) or stopped
 * with SIGTERM (it releases the lock), with a larger epoch.
 */
@Timeout(120)
class FileLeaderLockCrashTest {

    private static final String AGENT = "docker-prod-cluster";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final List<Child> children = new ArrayList<>();

    private record Child(String instance, Process process, BlockingQueue<String> lines, Path stderr) {
        String next() throws InterruptedException, IOException {
            String line = lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(line).as("%s printed nothing in time; stderr:%n%s", instance, Files.readString(stderr)).isNotNull();
            return line;
        }

        long leadingEpoch() throws InterruptedException, IOException {
            String line = next();
            assertThat(line).startsWith("LEADING ");
            return Long.parseLong(line.substring("LEADING ".length()));
        }

        String log() {
            try {
                return Files.exists(stderr) ? Files.readString(stderr) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Child child : children) {
            child.process().toHandle().destroyForcibly();
            child.process().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Child child(Path lockFile, String instance) throws IOException {
        Path stderr = tmp.resolve(instance + ".err");
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), FileLeaderLockChild.class.getName(),
                lockFile.toString(), AGENT, instance)
                .redirectError(stderr.toFile())
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child died
            }
        });
        Child child = new Child(instance, process, lines, stderr);
        children.add(child);
        return child;
    }

    @Test
    void aStandbyTakesOverWhenTheLeaderIsKilled() throws Exception {
        Path lockFile = tmp.resolve("run/agent.lock");
        Child a = child(lockFile, "child-a");
        long first = a.leadingEpoch();

        Child b = child(lockFile, "child-b");
        await().atMost(WAIT).until(() -> b.log().contains("Standing by: child-a leads agent " + AGENT));
        assertThat(b.lines()).as("a standby never leads while the leader lives").isEmpty();

        assertThat(a.process().toHandle().destroyForcibly()).isTrue(); // SIGKILL: no goodbye, the kernel frees the lock
        assertThat(a.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

        long second = b.leadingEpoch();
        assertThat(second).isGreaterThan(first);
        assertThat(Files.readString(lockFile)).contains("holder=child-b", "epoch=" + second);
    }

    @Test
    void aStandbyTakesOverWhenTheLeaderIsStoppedGracefully() throws Exception {
        Path lockFile = tmp.resolve("agent.lock");
        Child a = child(lockFile, "child-a");
        long first = a.leadingEpoch();
        Child b = child(lockFile, "child-b");
        await().atMost(WAIT).until(() -> b.log().contains("Standing by: child-a leads agent " + AGENT));

        // SIGTERM through the handle: Process#destroy() would also close our end of the child's stdout.
        assertThat(a.process().toHandle().destroy()).isTrue(); // the shutdown hook stops the election, which releases

        assertThat(a.next()).isEqualTo("LOST " + first);
        assertThat(a.next()).isEqualTo("STOPPED");
        assertThat(b.leadingEpoch()).isEqualTo(first + 1);
        assertThat(a.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(a.process().exitValue()).as("ended by SIGTERM after its shutdown hook").isEqualTo(128 + 15);
    }
}
