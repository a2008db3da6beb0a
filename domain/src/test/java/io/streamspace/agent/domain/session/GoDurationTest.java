package io.streamspace.agent.domain.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"30m, 1800000", "1h30m, 5400000", "90s, 90000", "1.5h, 5400000", "500ms, 500", "2h45m30s, 9930000",
            "1m0.5s, 60500", "' 10s ', 10000"})
    void parses(String text, long millis) {
        assertThat(GoDuration.parseLimit("idleTimeout", text)).contains(Duration.ofMillis(millis));
    }

    @Test
    void emptyAndZeroMeanNoLimit() {
        assertThat(GoDuration.parseLimit("idleTimeout", "")).isEmpty();
        assertThat(GoDuration.parseLimit("idleTimeout", null)).isEmpty();
        assertThat(GoDuration.parseLimit("idleTimeout", "0")).isEmpty();
        assertThat(GoDuration.parseLimit("idleTimeout", "0s")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "1d", "-5m", "abc", "1h 30m", "m"})
    void rejectsWithTheField(String text) {
        assertThatThrownBy(() -> GoDuration.parseLimit("maxSessionDuration", text))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSessionDuration");
    }

    @Test
    void formatsLikeGo() {
        assertThat(GoDuration.format(Duration.ofMinutes(90))).isEqualTo("1h30m0s");
        assertThat(GoDuration.format(Duration.ofSeconds(42))).isEqualTo("42s");
    }
}
