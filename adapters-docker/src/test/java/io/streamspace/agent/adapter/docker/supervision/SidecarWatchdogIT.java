package io.streamspace.agent.adapter.docker.supervision;

import static io.streamspace.agent.adapter.docker.supervision.SupervisionTestContainers.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.port.in.SuperviseSidecar.Status;
import io.streamspace.agent.application.service.watchdog.SidecarWatchdog;
import io.streamspace.agent.application.service.watchdog.WatchdogListener;
import io.streamspace.agent.application.service.watchdog.WatchdogSettings;
import io.streamspace.agent.domain.watchdog.HealthState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watchdog end to end against real containers, with the seed's timing scaled down: checks every 300 ms,
 * restart delays 200 ms × 1.5ⁿ (200, 300, 450, 675, 1012 ms).
 */
class SidecarWatchdogIT {

    private static final Duration INTERVAL = Duration.ofMillis(300);
    private static final Duration INITIAL_DELAY = Duration.ofMillis(200);
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final SupervisionTestContainers containers = new SupervisionTestContainers();
    private final DockerContainerSupervision supervision =
            new DockerContainerSupervision(containers.clients, Duration.ofSeconds(1));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("watchdog-it").daemon().factory());
    private final Recorder recorder = new Recorder();
    private SidecarWatchdog watchdog;

    @AfterEach
    void tearDown() throws InterruptedException {
        try {
            if (watchdog != null) {
                watchdog.stop();
            }
            scheduler.shutdownNow();
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } finally {
            containers.close();
        }
    }

    private SidecarWatchdog watch(String name, int maxAttempts) {
        return watch(name, maxAttempts, INTERVAL);
    }

    private SidecarWatchdog watch(String name, int maxAttempts, Duration interval) {
        WatchdogSettings settings = new WatchdogSettings(name, interval, maxAttempts, 1.5, INITIAL_DELAY, 20);
        watchdog = new SidecarWatchdog(supervision, settings, Clock.systemUTC(), scheduler, List.of(recorder));
        return watchdog;
    }

    private Status awaitFailed() {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> watchdog.status().failed());
        return watchdog.status();
    }

    /** Restart k+1 comes at least one interval (the next check) plus delay(k) after restart k. */
    private void assertBackoffBetweenRestarts(WatchdogSettings settings) {
        Duration interval = settings.checkInterval();
        List<Instant> at = recorder.restarts.stream().map(r -> r.status().lastRestartAt()).toList();
        for (int k = 1; k < at.size(); k++) {
            Duration gap = Duration.between(at.get(k - 1), at.get(k));
            assertThat(gap).as("gap before restart %d", k + 1)
                    .isGreaterThanOrEqualTo(interval.plus(settings.policy().backoff().delay(k)));
        }
    }

    @Test
    void aCrashingSidecarIsRestartedWithBackoffThenReportedFailedAfterFiveAttempts() {
        String name = uniqueName("crash");
        containers.start(name, SupervisionTestContainers.CRASH_IMAGE, Map.of());
        containers.awaitExited(name);
        SidecarWatchdog w = watch(name, 5);
        w.start();

        Status failed = awaitFailed();
        assertThat(failed.health()).isEqualTo(new HealthState.Unhealthy("exited with code 1"));
        assertThat(failed.attempts()).isEqualTo(5);
        assertThat(recorder.restarts).extracting(Restart::attempt).containsExactly(1, 2, 3, 4, 5);
        assertThat(recorder.restarts).extracting(Restart::error).containsOnly(Optional.empty());
        // The first restart waited for its delay: the first check only scheduled it.
        assertThat(recorder.restarts.getFirst().checkNumber()).isGreaterThan(1);
        assertBackoffBetweenRestarts(new WatchdogSettings(name, INTERVAL, 5, 1.5, INITIAL_DELAY, 20));
        assertThat(recorder.gaveUp).hasSize(1);
        // The engine really ran it six times: the first start and five restarts.
        assertThat(supervision.lastLogLines(name, 50)).hasSize(6)
                .containsOnly("sidecar-crash: fatal error, exiting with code 1");

        // Given up: further checks restart nothing.
        w.checkNow();
        Status after = w.checkNow();
        assertThat(after.failed()).isTrue();
        assertThat(after.attempts()).isEqualTo(5);
        assertThat(recorder.restarts).hasSize(5);
        assertThat(after.summary()).isEqualTo("failed: unhealthy: exited with code 1");
    }

    @Test
    void aGlibcMismatchIsDetectedFromTheLogAndRestartedAtOnceThenWithBackoff() {
        String name = uniqueName("glibc");
        containers.start(name, SupervisionTestContainers.GLIBC_IMAGE, Map.of());
        containers.awaitExited(name);
        SidecarWatchdog w = watch(name, 3);
        w.start();

        Status failed = awaitFailed();
        assertThat(failed.health()).isInstanceOfSatisfying(HealthState.GlibcMismatch.class, g -> assertThat(g.detail())
                .contains("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.39' not found")
                .endsWith("(container log)"));
        assertThat(recorder.restarts).hasSize(3);
        // No delay before the first restart: the very first check restarted it.
        assertThat(recorder.restarts.getFirst().checkNumber()).isEqualTo(1);
        assertThat(recorder.restarts.get(1).checkNumber()).isGreaterThan(recorder.restarts.get(0).checkNumber() + 1);
        assertBackoffBetweenRestarts(new WatchdogSettings(name, INTERVAL, 3, 1.5, INITIAL_DELAY, 20));
    }

    /**
     * The image is healthy for about 2 s after each start, then its HEALTHCHECK fails while it keeps running. The
     * check interval must be longer than that healthy window, as the seed's 30 s is: with a shorter one, each
     * restart would (rightly) be followed by a reset, since the container stayed healthy for a full interval.
     */
    @Test
    void aSidecarWhoseHealthCheckTurnsUnhealthyIsRestartedThenGivenUp() {
        String name = uniqueName("unhealthy");
        containers.start(name, SupervisionTestContainers.UNHEALTHY_IMAGE, Map.of("HEALTHY_SECONDS", "2"));
        Duration interval = Duration.ofSeconds(4);
        SidecarWatchdog w = watch(name, 2, interval);
        w.start();

        Status failed = awaitFailed();
        assertThat(failed.health()).isInstanceOfSatisfying(HealthState.Unhealthy.class,
                u -> assertThat(u.reason()).startsWith("health check reports unhealthy"));
        assertThat(recorder.restarts).hasSize(2).extracting(Restart::error).containsOnly(Optional.empty());
        assertThat(recorder.resets).isEmpty();
        assertBackoffBetweenRestarts(new WatchdogSettings(name, interval, 2, 1.5, INITIAL_DELAY, 20));
        // Every restart was a real one: the script announced itself once per start.
        assertThat(supervision.lastLogLines(name, 50)).filteredOn(l -> l.contains("healthy for 2s")).hasSize(3);
        assertThat(supervision.inspect(name).orElseThrow().running()).isTrue();
    }

    @Test
    void aSidecarThatStaysUpAfterTwoCrashesHasItsAttemptsResetAfterAHealthyInterval() {
        String name = uniqueName("flaky");
        containers.start(name, SupervisionTestContainers.FLAKY_IMAGE, Map.of("CRASHES", "2"));
        containers.awaitExited(name);
        SidecarWatchdog w = watch(name, 5);
        w.start();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> !recorder.resets.isEmpty());
        assertThat(recorder.resets).containsExactly(2);
        assertThat(recorder.restarts).hasSize(2);
        Status status = w.status();
        assertThat(status.attempts()).isZero();
        assertThat(status.failed()).isFalse();
        assertThat(status.health()).isEqualTo(HealthState.HEALTHY);
        assertThat(status.lastRestartAt()).isEqualTo(recorder.restarts.getLast().status().lastRestartAt());
    }

    @Test
    void aMissingSidecarIsReportedNotFound() {
        SidecarWatchdog w = watch(uniqueName("absent"), 5);
        Status status = w.checkNow();
        assertThat(status.health()).isEqualTo(HealthState.NOT_FOUND);
        assertThat(status.attempts()).isZero();
        assertThat(status.lastError()).isNull();
    }

    record Restart(Status status, int attempt, Optional<String> error, int checkNumber) {}

    private static final class Recorder implements WatchdogListener {
        final AtomicInteger checks = new AtomicInteger();
        final List<Restart> restarts = new CopyOnWriteArrayList<>();
        final List<Status> gaveUp = new CopyOnWriteArrayList<>();
        final List<Integer> resets = new CopyOnWriteArrayList<>();

        @Override
        public void checked(Status status) {
            checks.incrementAndGet();
        }

        @Override
        public void restarted(Status status, int attempt, Optional<String> error) {
            // Called before checked(): this restart happened at check number checks + 1.
            restarts.add(new Restart(status, attempt, error, checks.get() + 1));
        }

        @Override
        public void gaveUp(Status status) {
            gaveUp.add(status);
        }

        @Override
        public void reset(Status status, int clearedAttempts, boolean wasFailed) {
            resets.add(clearedAttempts);
        }
    }
}
