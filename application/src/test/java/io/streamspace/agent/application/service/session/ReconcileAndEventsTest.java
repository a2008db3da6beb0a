package io.streamspace.agent.application.service.session;

import static io.streamspace.agent.application.service.session.SessionFixture.OWNER;
import static io.streamspace.agent.application.service.session.SessionFixture.command;
import static io.streamspace.agent.application.service.session.SessionFixture.idPayload;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcileAndEventsTest {

    private final SessionFixture f = new SessionFixture();
    private final SessionReconciler reconciler =
            new SessionReconciler(f.runtime, f.settings, f.registry, f.messages, f.clock, Runnable::run);
    private final SessionEventMonitor monitor = new SessionEventMonitor(f.runtime, f.settings, f.registry, f.messages);

    private static Map<String, String> labels(String sessionId) {
        Map<String, String> labels = new HashMap<>(OWNER);
        labels.put(SessionLabels.SESSION_ID, sessionId);
        labels.put(SessionLabels.VNC_PORT, "3000");
        return labels;
    }

    @Test
    void afterConnectEveryOwnedSessionIsReported() {
        f.runtime.put("streamspace-run", "img", labels("run"), "running");
        f.runtime.put("streamspace-paused", "img", labels("paused"), "paused");
        f.runtime.put("streamspace-stopped", "img", labels("stopped"), "exited");
        f.runtime.put("streamspace-loop", "img", labels("loop"), "restarting").exitCode = 2;
        f.runtime.put("streamspace-half", "img", labels("half"), "created");
        f.runtime.put("streamspace-foreign", "img", Map.of(SessionLabels.SESSION_ID, "foreign"), "running");
        Map<String, String> otherAgent = new HashMap<>(labels("theirs"));
        otherAgent.put(SessionLabels.AGENT_ID, "agent-2");
        f.runtime.put("streamspace-theirs", "img", otherAgent, "running");

        reconciler.onConnected();

        assertThat(f.states("run")).containsExactly("running");
        assertThat(f.statuses().stream().filter(s -> s.sessionId().equals("run")).findFirst().orElseThrow().vncPort())
                .isEqualTo(3000);
        assertThat(f.states("paused")).containsExactly("hibernated");
        assertThat(f.states("stopped")).containsExactly("hibernated");
        assertThat(f.states("loop")).containsExactly("failed");
        assertThat(f.states("half")).containsExactly("failed");
        assertThat(f.runtime.containers).doesNotContainKey("streamspace-half");
        assertThat(f.states("foreign")).isEmpty();
        assertThat(f.states("theirs")).isEmpty();
        assertThat(f.runtime.containers).containsKeys("streamspace-foreign", "streamspace-theirs");
    }

    @Test
    void aContainerTheAgentSawCrashIsReportedFailedNotHibernated() throws Exception {
        monitor.start();
        f.startRunning("s1");
        f.runtime.crash("streamspace-s1", 139);
        f.sent.clear();
        reconciler.reconcileNow();
        assertThat(f.states("s1")).containsExactly("failed");
        assertThat(f.lastStatus().message()).contains("139");
    }

    @Test
    void sessionsWithAnOperationInFlightAreLeftToThatOperation() {
        f.runtime.put("streamspace-s1", "img", labels("s1"), "created");
        f.registry.begin("s1", StartSessionHandler.ACTION);
        reconciler.reconcileNow();
        assertThat(f.statuses()).isEmpty();
        assertThat(f.runtime.containers).containsKey("streamspace-s1");
    }

    @Test
    void aSessionWhoseContainerVanishedIsReportedFailed() throws Exception {
        f.startRunning("s1");
        f.runtime.containers.clear();
        f.sent.clear();
        reconciler.reconcileNow();
        assertThat(f.states("s1")).containsExactly("failed");
        assertThat(f.lastStatus().message()).contains("no longer exists");
    }

    @Test
    void aSessionContainerThatDiesOnItsOwnIsReportedFailedWithTheExitCode() throws Exception {
        monitor.start();
        f.startRunning("s1");
        f.runtime.crash("streamspace-s1", 1);
        assertThat(f.states("s1")).containsExactly("running", "failed");
        assertThat(f.lastStatus().message())
                .isEqualTo("session container streamspace-s1 exited on its own with code 1");
    }

    @Test
    void aSessionThatDiedOnItsOwnNoLongerHoldsCapacity() throws Exception {
        monitor.start();
        f.startRunning("s1");
        f.registry.hold(new io.streamspace.agent.domain.capacity.Reservation("s1", 1000, 1 << 30));
        f.runtime.crash("streamspace-s1", 137);
        assertThat(f.states("s1")).containsExactly("running", "failed");
        assertThat(f.registry.held()).doesNotContainKey("s1");
    }

    @Test
    void outOfMemoryIsNamed() throws Exception {
        monitor.start();
        f.startRunning("s1");
        f.runtime.emit(f.runtime.box("streamspace-s1"), "oom", 0);
        f.runtime.crash("streamspace-s1", 137);
        assertThat(f.lastStatus().message()).endsWith("with code 137 (out of memory)");
    }

    @Test
    void diesTheAgentCausesAreNotReported() throws Exception {
        monitor.start();
        f.startRunning("s1");
        f.hibernate.handle(command("h", HibernateSessionHandler.ACTION, idPayload("s1")), f.messages);
        f.wake.handle(command("w", WakeSessionHandler.ACTION, idPayload("s1")), f.messages);
        f.stop.handle(command("s", StopSessionHandler.ACTION, idPayload("s1")), f.messages);
        assertThat(f.states("s1")).containsExactly("running", "hibernated", "running", "terminated");
    }

    @Test
    void aRestartByDockerReportsRunningAgain() throws Exception {
        monitor.start();
        f.startRunning("s1");
        f.runtime.crash("streamspace-s1", 1);
        FakeBox.restart(f, "streamspace-s1");
        assertThat(f.states("s1")).containsExactly("running", "failed", "running");
    }

    @Test
    void aContainerRemovedBehindTheAgentsBackIsReported() throws Exception {
        monitor.start();
        f.startRunning("s1");
        var box = f.runtime.box("streamspace-s1");
        f.runtime.containers.remove("streamspace-s1");
        f.runtime.emit(box, "destroy", 0);
        assertThat(f.states("s1")).containsExactly("running", "failed");
        assertThat(f.lastStatus().message()).contains("removed outside the agent");
        assertThat(f.registry.get("s1")).isEmpty();
    }

    @Test
    void closingTheMonitorStopsReporting() throws Exception {
        monitor.start();
        monitor.close();
        f.startRunning("s1");
        f.runtime.crash("streamspace-s1", 1);
        assertThat(f.states("s1")).containsExactly("running");
    }

    @Test
    void activeSessionsCountsRunningOwnedSessionContainers() throws Exception {
        f.startRunning("s1");
        f.startRunning("s2");
        f.runtime.put("streamspace-x", "img", Map.of("other", "x"), "running");
        f.hibernate.handle(command("h", HibernateSessionHandler.ACTION, idPayload("s2")), f.messages);
        assertThat(new RunningSessionCount(f.runtime, f.settings).count()).isEqualTo(1);
    }

    @Test
    void theSweepReportsAContainerThatAppearedAfterReconcilingOnceItOutlivedTheGrace() throws Exception {
        f.startRunning("s1");
        reconciler.reconcileNow();
        f.sent.clear();
        f.runtime.put("streamspace-late", "img", labels("late"), "running");
        // the engine is still starting s1 again: the sweep must not wait for (look at) it
        f.runtime.heldByEngine.add("streamspace-s1");

        assertThat(reconciler.sweep(java.time.Duration.ofSeconds(30))).isZero();
        f.clock.advance(java.time.Duration.ofSeconds(31));
        assertThat(reconciler.sweep(java.time.Duration.ofSeconds(30))).isEqualTo(1);

        assertThat(f.states("late")).containsExactly("running");
        assertThat(f.states("s1")).isEmpty();
    }

    @Test
    void theSweepRemovesALateContainerThatNeverStarted() throws Exception {
        reconciler.reconcileNow();
        f.runtime.put("streamspace-half", "img", labels("half"), "created");

        reconciler.sweep(java.time.Duration.ZERO);

        assertThat(f.states("half")).containsExactly("failed");
        assertThat(f.runtime.containers).doesNotContainKey("streamspace-half");
    }

    /** Simulates Docker's restart policy bringing a crashed container back. */
    static final class FakeBox {
        static void restart(SessionFixture f, String name) {
            var box = f.runtime.box(name);
            box.status = "running";
            f.runtime.emit(box, "start", 0);
        }
    }
}
