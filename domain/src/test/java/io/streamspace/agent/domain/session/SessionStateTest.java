package io.streamspace.agent.domain.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionStateTest {

    @Test
    void wireNamesAreTheControlPlanes() {
        assertThat(SessionState.values()).extracting(SessionState::wireName).containsExactly("pending", "running",
                "hibernating", "hibernated", "waking", "terminating", "terminated", "failed");
        assertThat(SessionState.fromWire("hibernated")).contains(SessionState.HIBERNATED);
        assertThat(SessionState.fromWire("Running")).isEmpty();
    }

    @Test
    void transitions() {
        assertThat(SessionState.PENDING.canTransitionTo(SessionState.RUNNING)).isTrue();
        assertThat(SessionState.RUNNING.canTransitionTo(SessionState.HIBERNATED)).isTrue();
        assertThat(SessionState.HIBERNATED.canTransitionTo(SessionState.RUNNING)).isTrue();
        assertThat(SessionState.RUNNING.canTransitionTo(SessionState.RUNNING)).isTrue();
        assertThat(SessionState.TERMINATING.canTransitionTo(SessionState.RUNNING)).isFalse();
        assertThat(SessionState.TERMINATED.canTransitionTo(SessionState.RUNNING)).isFalse();
        assertThat(SessionState.TERMINATED.isFinal()).isTrue();
        for (SessionState s : SessionState.values()) {
            if (s != SessionState.TERMINATED) {
                assertThat(s.canTransitionTo(SessionState.TERMINATED)).as(s + " -> terminated").isTrue();
                assertThat(s.canTransitionTo(SessionState.FAILED)).as(s + " -> failed").isTrue();
            }
        }
    }
}
