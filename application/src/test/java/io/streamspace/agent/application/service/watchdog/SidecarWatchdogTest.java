package io.streamspace.agent.application.service.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.in.SuperviseSidecar.Status;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.testing.ManualScheduler;
import io.streamspace.agent.domain.watchdog.ContainerSnapshot;
import io.streamspace.agent.domain.watchdog.ContainerSnapshot.Health;
import io.streamspace.agent.domain.watchdog.HealthState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SidecarWatchdogTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final String GLIBC =
            "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.39' not found (required by /compose-agent)";

    private final ManualScheduler scheduler = new ManualScheduler(T0);
    private final FakeContainerSupervision docker = new FakeContainerSupervision("compose-agent", scheduler.clock());
    private final Recorder recorder = new Recorder();
    private final SidecarWatchdog watchdog = new SidecarWatchdog(docker, WatchdogSettings.DEFAULT, scheduler.clock(),
            scheduler, List.of(recorder));

    private List<Long> restartSeconds() {
        return docker.restarts.stream().map(t -> Duration.between(T0, t).toSeconds()).toList();
    }

    @Test
    void aCrashingSidecarIsRestartedWithTheSeedBackoffThenReportedFailed() {
        docker.shows(ContainerSnapshot.exited("c1", 1, "")).logs("panic: boom");
        watchdog.start();

        scheduler.advance(Duration.ofSeconds(279));
        assertThat(restartSeconds()).containsExactly(10L, 55L, 107L, 170L, 250L);
        assertThat(watchdog.status().failed()).isFalse();
        assertThat(recorder.attempts).containsExactly(1, 2, 3, 4, 5);

        scheduler.advance(Duration.ofSeconds(1));
        Status failed = watchdog.status();
        assertThat(failed.failed()).isTrue();
        assertThat(failed.attempts()).isEqualTo(5);
        assertThat(failed.maxAttempts()).isEqualTo(5);
        assertThat(failed.health()).isEqualTo(new HealthState.Unhealthy("exited with code 1"));
        assertThat(failed.lastRestartAt()).isEqualTo(T0.plusSeconds(250));
        assertThat(failed.summary()).isEqualTo("failed: unhealthy: exited with code 1");
        assertThat(recorder.gaveUp).hasSize(1);

        scheduler.advance(Duration.ofHours(1));
        assertThat(docker.restarts).hasSize(5);
        assertThat(recorder.gaveUp).hasSize(1);
        assertThat(watchdog.status().lastCheckAt()).isEqualTo(T0.plusSeconds(280 + 120 * 30));
    }

    @Test
    void whileWaitingTheStatusShowsWhenTheRestartIsDue() {
        docker.shows(ContainerSnapshot.exited("c1", 1, ""));
        watchdog.start();
        scheduler.advance(Duration.ZERO);
        assertThat(watchdog.status().nextRestartAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(watchdog.status().attempts()).isZero();
        assertThat(scheduler.nextDue()).contains(T0.plusSeconds(10));
    }

    @Test
    void aGlibcMismatchInTheLogsIsRestartedAtOnceThenWithBackoff() {
        docker.shows(ContainerSnapshot.exited("c1", 1, "")).logs("loading", GLIBC);
        watchdog.start();
        scheduler.advance(Duration.ofSeconds(300));
        assertThat(restartSeconds()).containsExactly(0L, 45L, 97L, 160L, 240L);
        assertThat(watchdog.status().health()).isEqualTo(new HealthState.GlibcMismatch(GLIBC + " (container log)"));
        assertThat(watchdog.status().failed()).isTrue();
    }

    @Test
    void aSidecarThatRecoversIsResetAfterAHealthyInterval() {
        ContainerSnapshot healthy = ContainerSnapshot.running("c1", Health.HEALTHY);
        int[] restarts = {0};
        docker.shows(ContainerSnapshot.exited("c1", 1, ""))
                .onRestart(s -> ++restarts[0] == 2 ? Optional.of(healthy) : s);
        watchdog.start();

        scheduler.advance(Duration.ofSeconds(56));
        assertThat(restartSeconds()).containsExactly(10L, 55L);
        scheduler.advance(Duration.ofSeconds(30)); // check at 85: healthy, streak starts
        assertThat(watchdog.status().health()).isEqualTo(HealthState.HEALTHY);
        assertThat(watchdog.status().attempts()).isEqualTo(2);
        assertThat(recorder.resets).isEmpty();

        scheduler.advance(Duration.ofSeconds(30)); // check at 115: healthy for a full interval
        assertThat(watchdog.status().attempts()).isZero();
        assertThat(recorder.resets).containsExactly(2);

        // A later crash starts from the first delay again.
        docker.shows(ContainerSnapshot.exited("c1", 2, ""));
        scheduler.advance(Duration.ofSeconds(30)); // check at 145: restart due at 155
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(restartSeconds()).containsExactly(10L, 55L, 155L);
    }

    @Test
    void aHealthySidecarIsLeftAloneAndItsLogsAreNotRead() {
        docker.shows(ContainerSnapshot.running("c1", Health.NONE));
        watchdog.start();
        scheduler.advance(Duration.ofMinutes(10));
        assertThat(docker.restarts).isEmpty();
        assertThat(docker.logReads).isZero();
        assertThat(recorder.checks).isEqualTo(21);
        assertThat(watchdog.status().summary()).isEqualTo("healthy");
    }

    @Test
    void anUnhealthyHealthCheckIsRestarted() {
        docker.shows(new ContainerSnapshot("c1", "running", true, Health.UNHEALTHY, "no /tmp/ok", 0, ""))
                .onRestart(s -> Optional.of(ContainerSnapshot.running("c1", Health.STARTING)));
        watchdog.start();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(restartSeconds()).containsExactly(10L);
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(watchdog.status().health()).isEqualTo(HealthState.STARTING);
    }

    @Test
    void aMissingSidecarIsReportedButNotRestarted() {
        docker.missing();
        watchdog.start();
        scheduler.advance(Duration.ofMinutes(5));
        assertThat(docker.restarts).isEmpty();
        assertThat(watchdog.status().health()).isEqualTo(HealthState.NOT_FOUND);
        assertThat(watchdog.status().failed()).isFalse();
    }

    @Test
    void anUnreachableEngineCountsNoAttemptAndIsRetriedEveryInterval() {
        docker.shows(ContainerSnapshot.exited("c1", 1, ""))
                .failInspect(new RuntimeOperationException("Cannot reach the Docker engine at unix:///x: refused"));
        watchdog.start();
        scheduler.advance(Duration.ofSeconds(65));
        assertThat(docker.restarts).isEmpty();
        assertThat(recorder.checks).isEqualTo(3);
        assertThat(watchdog.status().lastError()).contains("Cannot reach the Docker engine");
        assertThat(watchdog.status().health()).isNull();
        assertThat(watchdog.status().summary()).isEqualTo("unknown");
    }

    @Test
    void aRefusedRestartStillCountsAsAnAttempt() {
        docker.shows(ContainerSnapshot.exited("c1", 1, ""))
                .failRestart(new RuntimeOperationException("Docker engine refused to restart: busy"));
        watchdog.start();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(watchdog.status().attempts()).isEqualTo(1);
        assertThat(watchdog.status().lastError()).isEqualTo("restart 1 failed: Docker engine refused to restart: busy");
        assertThat(recorder.errors).containsExactly(Optional.of("restart 1 failed: Docker engine refused to restart: busy"));
    }

    @Test
    void stopEndsTheChecksAndStartIsIdempotent() {
        docker.shows(ContainerSnapshot.running("c1", Health.NONE));
        watchdog.start();
        watchdog.start();
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(recorder.checks).isEqualTo(2);
        watchdog.stop();
        assertThat(scheduler.nextDue()).isEmpty();
        scheduler.advance(Duration.ofMinutes(5));
        assertThat(recorder.checks).isEqualTo(2);
        watchdog.stop();
    }

    @Test
    void checkNowWorksWithoutStartingAndSchedulesNothing() {
        docker.shows(ContainerSnapshot.exited("c1", 0, "version `GLIBC_2.38' not found"));
        Status status = watchdog.checkNow();
        assertThat(status.health()).isInstanceOf(HealthState.GlibcMismatch.class);
        assertThat(status.attempts()).isEqualTo(1);
        assertThat(scheduler.nextDue()).isEmpty();
        assertThat(watchdog.status()).isEqualTo(status);
    }

    @Test
    void aFailingListenerDoesNotStopTheWatchdog() {
        WatchdogListener broken = new WatchdogListener() {
            @Override
            public void checked(Status status) {
                throw new IllegalStateException("listener bug");
            }
        };
        SidecarWatchdog w = new SidecarWatchdog(docker, WatchdogSettings.DEFAULT, scheduler.clock(), scheduler,
                List.of(broken, recorder));
        docker.shows(ContainerSnapshot.running("c1", Health.NONE));
        w.start();
        scheduler.advance(Duration.ofSeconds(60));
        assertThat(recorder.checks).isEqualTo(3);
    }

    @Test
    void settingsDefaultToTheSeed() {
        WatchdogSettings d = WatchdogSettings.DEFAULT;
        assertThat(d.targetContainer()).isEqualTo("compose-agent");
        assertThat(d.checkInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.maxRestartAttempts()).isEqualTo(5);
        assertThat(d.restartBackoffMultiplier()).isEqualTo(1.5);
        assertThat(d.initialRestartDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(List.of(0, 1, 2, 3, 4).stream().map(i -> d.policy().backoff().delay(i).toSeconds()))
                .containsExactly(10L, 15L, 22L, 33L, 50L);
        assertThat(WatchdogSettings.forTarget("other").targetContainer()).isEqualTo("other");
        assertThatThrownBy(() -> WatchdogSettings.forTarget(" ")).hasMessageContaining("name of the container");
        assertThatThrownBy(() -> new WatchdogSettings("x", Duration.ZERO, 5, 1.5, Duration.ofSeconds(10), 50))
                .hasMessageContaining("interval");
        assertThatThrownBy(() -> new WatchdogSettings("x", Duration.ofSeconds(1), 5, 0.9, Duration.ofSeconds(10), 50))
                .hasMessageContaining("multiplier");
    }

    private static final class Recorder implements WatchdogListener {
        int checks;
        final List<Integer> attempts = new ArrayList<>();
        final List<Optional<String>> errors = new ArrayList<>();
        final List<Status> gaveUp = new ArrayList<>();
        final List<Integer> resets = new ArrayList<>();

        @Override
        public void checked(Status status) {
            checks++;
        }

        @Override
        public void restarted(Status status, int attempt, Optional<String> error) {
            attempts.add(attempt);
            errors.add(error);
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
