package io.streamspace.agent.application.service.session;

import static io.streamspace.agent.application.service.session.SessionFixture.command;
import static io.streamspace.agent.application.service.session.SessionFixture.idPayload;
import static io.streamspace.agent.application.service.session.SessionFixture.startPayload;
import static io.streamspace.agent.application.service.session.SessionFixture.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.service.SessionCommandQueue;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class SessionTimersTest {

    private final SessionFixture f = new SessionFixture();
    private final SessionTimers timers = new SessionTimers(f.clock, f.registry, new SessionCommandQueue(Runnable::run, 4),
            f.hibernate, f.stop, f.messages);

    private void start(String id, String idle, String max) throws Exception {
        f.start.handle(command("c-" + id, StartSessionHandler.ACTION,
                with(with(startPayload(id), "idleTimeout", idle), "maxSessionDuration", max)), f.messages);
    }

    @Test
    void anIdleSessionIsHibernated() throws Exception {
        start("s1", "30m", "");
        f.clock.advance(Duration.ofMinutes(29));
        timers.checkNow();
        assertThat(f.states("s1")).containsExactly("running");
        f.clock.advance(Duration.ofMinutes(1));
        timers.checkNow();
        assertThat(f.states("s1")).containsExactly("running", "hibernated");
        assertThat(f.lastStatus().message()).isEqualTo("idle for 30m0s");
        assertThat(f.runtime.box("streamspace-s1").status).isEqualTo("exited");
        f.clock.advance(Duration.ofHours(5));
        timers.checkNow();
        assertThat(f.states("s1")).containsExactly("running", "hibernated");
    }

    @Test
    void vncTrafficKeepsASessionAwake() throws Exception {
        start("s1", "30m", "");
        f.clock.advance(Duration.ofMinutes(20));
        timers.recordActivity("s1");
        f.clock.advance(Duration.ofMinutes(20));
        timers.checkNow();
        assertThat(f.states("s1")).containsExactly("running");
        f.clock.advance(Duration.ofMinutes(10));
        timers.checkNow();
        assertThat(f.states("s1")).containsExactly("running", "hibernated");
    }

    @Test
    void wakeRestartsTheIdleClock() throws Exception {
        start("s1", "10m", "");
        f.clock.advance(Duration.ofMinutes(10));
        timers.checkNow();
        f.clock.advance(Duration.ofHours(1));
        f.wake.handle(command("w", WakeSessionHandler.ACTION, idPayload("s1")), f.messages);
        f.clock.advance(Duration.ofMinutes(9));
        timers.checkNow();
        assertThat(f.states("s1")).containsExactly("running", "hibernated", "running");
    }

    @Test
    void aSessionPastItsMaximumDurationIsStoppedEvenWhenHibernated() throws Exception {
        start("s1", "10m", "1h30m");
        f.clock.advance(Duration.ofMinutes(10));
        timers.checkNow();
        f.clock.advance(Duration.ofMinutes(80));
        timers.checkNow();
        assertThat(f.states("s1")).containsExactly("running", "hibernated", "terminated");
        assertThat(f.lastStatus().message()).isEqualTo("maxSessionDuration 1h30m0s reached");
        assertThat(f.runtime.containers).isEmpty();
    }

    @Test
    void noLimitsMeansNothingHappens() throws Exception {
        start("s1", "", "");
        f.clock.advance(Duration.ofDays(30));
        timers.checkNow();
        assertThat(f.states("s1")).containsExactly("running");
    }

    @Test
    void limitsSurviveAnAgentRestartThroughTheContainerLabels() throws Exception {
        start("s1", "", "2h");
        SessionRegistry fresh = new SessionRegistry();
        // Same runtime, new agent process: registry empty, clock moved on.
        SessionReconciler reconciler = new SessionReconciler(f.runtime, f.settings, fresh, f.messages, f.clock,
                Runnable::run);
        reconciler.reconcileNow();
        assertThat(fresh.get("s1").orElseThrow().maxDuration()).isEqualTo(Duration.ofHours(2));
        assertThat(fresh.get("s1").orElseThrow().startedAt()).isEqualTo(f.clock.instant());
    }

    @Test
    void theSchedulerChecksPeriodically() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            start("s1", "1m", "");
            f.clock.advance(Duration.ofMinutes(2));
            timers.start(scheduler, Duration.ofMillis(10));
            await().until(() -> f.states("s1").contains("hibernated"));
            timers.close();
        } finally {
            scheduler.shutdownNow();
        }
    }
}
