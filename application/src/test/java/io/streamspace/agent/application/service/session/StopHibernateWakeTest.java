package io.streamspace.agent.application.service.session;

import static io.streamspace.agent.application.service.session.SessionFixture.command;
import static io.streamspace.agent.application.service.session.SessionFixture.idPayload;
import static io.streamspace.agent.application.service.session.SessionFixture.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.domain.capacity.CapacityLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StopHibernateWakeTest {

    private final SessionFixture f = new SessionFixture();

    private Map<String, Object> stop(Map<String, Object> payload) throws Exception {
        return f.stop.handle(command("cmd-stop", StopSessionHandler.ACTION, payload), f.messages);
    }

    private Map<String, Object> hibernate(SessionFixture fx, String id) throws Exception {
        return fx.hibernate.handle(command("cmd-h", HibernateSessionHandler.ACTION, idPayload(id)), fx.messages);
    }

    private Map<String, Object> wake(SessionFixture fx, String id) throws Exception {
        return fx.wake.handle(command("cmd-w", WakeSessionHandler.ACTION, idPayload(id)), fx.messages);
    }

    @Test
    void stopRemovesTheContainerKeepsVolumesAndReportsTerminated() throws Exception {
        f.startRunning("s1");
        Map<String, Object> result = stop(idPayload("s1"));
        assertThat(f.runtime.containers).isEmpty();
        assertThat(f.runtime.volumeNames()).containsExactly("streamspace-s1-home", "streamspace-s1-data");
        assertThat(f.states("s1")).containsExactly("running", "terminated");
        assertThat(result).containsEntry("state", "terminated").containsEntry("containerRemoved", true);
        assertThat(f.registry.held()).isEmpty();
    }

    @Test
    void stopIsIdempotent() throws Exception {
        Map<String, Object> result = stop(idPayload("gone-1"));
        assertThat(result).containsEntry("containerRemoved", false);
        assertThat(f.states("gone-1")).containsExactly("terminated");
        stop(idPayload("gone-1"));
        assertThat(f.states("gone-1")).containsExactly("terminated", "terminated");
    }

    @Test
    void deletePvcAlsoRemovesTheSessionsVolumesOnly() throws Exception {
        f.startRunning("s1");
        f.startRunning("s2");
        Map<String, Object> result = stop(with(idPayload("s1"), "deletePVC", true));
        assertThat(f.runtime.volumeNames()).containsExactly("streamspace-s2-home", "streamspace-s2-data");
        assertThat(result).containsKey("volumesRemoved");
        stop(with(idPayload("s2"), "deletePVC", false));
        assertThat(f.runtime.volumeNames()).hasSize(2);
    }

    @Test
    void stopRefusesAForeignContainer() {
        f.runtime.put("streamspace-s1", "nginx", Map.of(), "running");
        assertThatThrownBy(() -> stop(idPayload("s1"))).hasMessageContaining("not managed by this agent");
        assertThat(f.runtime.containers).containsKey("streamspace-s1");
        assertThat(f.states("s1")).containsExactly("failed");
    }

    @Test
    void stopValidatesItsPayload() {
        assertThatThrownBy(() -> stop(idPayload("bad/id"))).isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("sessionId");
        assertThatThrownBy(() -> stop(Map.of())).hasMessage("sessionId is required");
        assertThatThrownBy(() -> stop(with(idPayload("s1"), "deletePVC", "yes")))
                .hasMessage("deletePVC must be true or false");
        assertThat(f.runtime.calls).isEmpty();
    }

    @Test
    void hibernateInStopModeStopsAndReportsHibernated() throws Exception {
        f.startRunning("s1");
        Map<String, Object> result = hibernate(f, "s1");
        assertThat(f.runtime.box("streamspace-s1").status).isEqualTo("exited");
        assertThat(f.states("s1")).containsExactly("running", "hibernated");
        assertThat(result).containsEntry("state", "hibernated").containsEntry("mode", "stop");
        hibernate(f, "s1");
        assertThat(f.runtime.calls.stream().filter(c -> c.startsWith("stop"))).hasSize(1);
        assertThat(f.states("s1")).containsExactly("running", "hibernated", "hibernated");
    }

    @Test
    void hibernateInPauseModePauses() throws Exception {
        SessionFixture p = new SessionFixture(CapacityLimits.of(10, 16, 64), HibernateMode.PAUSE);
        p.startRunning("s1");
        hibernate(p, "s1");
        assertThat(p.runtime.box("streamspace-s1").status).isEqualTo("paused");
        assertThat(p.states("s1")).containsExactly("running", "hibernated");
        wake(p, "s1");
        assertThat(p.runtime.calls).contains("unpause streamspace-s1");
        assertThat(p.states("s1")).containsExactly("running", "hibernated", "running");
    }

    @Test
    void hibernateOfAMissingSessionFailsWithTheReason() {
        assertThatThrownBy(() -> hibernate(f, "nope")).isInstanceOf(CommandFailedException.class)
                .hasMessage("cannot hibernate session nope: its container streamspace-nope does not exist");
        assertThat(f.states("nope")).containsExactly("failed");
    }

    @Test
    void wakeStartsAHibernatedSessionAndReportsRunning() throws Exception {
        f.startRunning("s1");
        hibernate(f, "s1");
        Map<String, Object> result = wake(f, "s1");
        assertThat(f.runtime.box("streamspace-s1").status).isEqualTo("running");
        assertThat(f.states("s1")).containsExactly("running", "hibernated", "running");
        assertThat(f.lastStatus().vncPort()).isEqualTo(3000);
        assertThat(result).containsEntry("state", "running");
    }

    @Test
    void wakeOfARunningSessionSucceedsWithoutTouchingIt() throws Exception {
        f.startRunning("s1");
        f.runtime.calls.clear();
        wake(f, "s1");
        assertThat(f.runtime.calls).isEmpty();
        assertThat(f.states("s1")).containsExactly("running", "running");
    }

    @Test
    void wakeOfAMissingSessionFails() {
        assertThatThrownBy(() -> wake(f, "nope")).hasMessageContaining("does not exist");
        assertThat(f.states("nope")).containsExactly("failed");
    }

    @Test
    void wakeThatExitsReportsFailedWithTheExitCode() throws Exception {
        f.startRunning("s1");
        hibernate(f, "s1");
        f.runtime.exitAtStart.put("lscr.io/linuxserver/firefox:latest", 3);
        assertThatThrownBy(() -> wake(f, "s1")).hasMessageContaining("exited with code 3");
        assertThat(f.states("s1")).containsExactly("running", "hibernated", "failed");
    }

    @Test
    void wakeBeyondCapacityStaysHibernated() throws Exception {
        SessionFixture small = new SessionFixture(CapacityLimits.of(1, 16, 64), HibernateMode.STOP);
        small.startRunning("s1");
        hibernate(small, "s1");
        small.startRunning("s2");
        assertThatThrownBy(() -> wake(small, "s1")).hasMessage("capacity exceeded: 1 of 1 sessions in use");
        assertThat(small.states("s1")).containsExactly("running", "hibernated", "hibernated");
        assertThat(small.runtime.box("streamspace-s1").status).isEqualTo("exited");
    }
}
