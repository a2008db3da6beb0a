package io.streamspace.agent.domain.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiKeyTest {

    private static final String KEY = "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef";

    @Test
    void acceptsSixtyFourHexCharacters() {
        assertThat(ApiKey.problem(KEY)).isEmpty();
        assertThat(ApiKey.of(KEY).reveal()).isEqualTo(KEY);
    }

    @Test
    void rejectsWrongLengthWithTheLengthButNeverTheKey() {
        String shortKey = "abc123";
        assertThat(ApiKey.problem(shortKey)).get().asString().contains("got 6 characters").doesNotContain(shortKey);
        assertThatThrownBy(() -> ApiKey.of(shortKey)).hasMessageNotContaining(shortKey);
    }

    @Test
    void rejectsNonHexOfTheRightLength() {
        String notHex = "z".repeat(64);
        assertThat(ApiKey.problem(notHex)).get().asString().contains("not all hexadecimal");
    }

    @Test
    void neverPrintsTheSecret() {
        assertThat(ApiKey.of(KEY).toString()).doesNotContain(KEY).doesNotContain("0123");
    }
}
