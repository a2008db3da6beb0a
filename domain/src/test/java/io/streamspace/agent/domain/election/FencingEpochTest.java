package io.streamspace.agent.domain.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FencingEpochTest {

    @Test
    void startsAtOneAndOnlyGrows() {
        assertThatThrownBy(() -> FencingEpoch.of(0)).isInstanceOf(IllegalArgumentException.class);
        FencingEpoch first = FencingEpoch.of(1);
        assertThat(first.next()).isEqualTo(FencingEpoch.of(2));
        assertThat(first.next().isAfter(first)).isTrue();
        assertThat(first.isAfter(first)).isFalse();
        assertThat(first.requireSuccessor(FencingEpoch.of(7))).isEqualTo(FencingEpoch.of(7));
        assertThatThrownBy(() -> FencingEpoch.of(7).requireSuccessor(FencingEpoch.of(7)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("7 then 7");
        assertThatThrownBy(() -> FencingEpoch.of(7).requireSuccessor(FencingEpoch.of(3)))
                .hasMessageContaining("went backwards");
        assertThatThrownBy(() -> FencingEpoch.of(Long.MAX_VALUE).next()).isInstanceOf(IllegalStateException.class);
        assertThat(FencingEpoch.of(3)).isGreaterThan(FencingEpoch.of(2));
        assertThat(FencingEpoch.of(42)).hasToString("42");
    }
}
