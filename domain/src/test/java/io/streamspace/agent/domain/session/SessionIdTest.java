package io.streamspace.agent.domain.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"alice-firefox-1a2b3c4d", "a", "A_b.c-d", "0"})
    void accepts(String id) {
        assertThat(SessionId.isValid(id)).isTrue();
        assertThat(SessionId.of(id).value()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-abc", ".abc", "_abc", "a b", "a/b", "../etc", "a;rm", "é", "a\nb", "a:b"})
    void rejects(String id) {
        assertThat(SessionId.isValid(id)).isFalse();
        assertThatThrownBy(() -> SessionId.of(id)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionId");
    }

    @Test
    void lengthLimitIs128() {
        assertThat(SessionId.isValid("a".repeat(128))).isTrue();
        assertThat(SessionId.problem("a".repeat(129))).contains("129 characters");
        assertThat(SessionId.isValid(null)).isFalse();
    }
}
