package io.streamspace.agent.domain.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class QuantitiesTest {

    @ParameterizedTest(name = "memory {0} = {1} bytes")
    @CsvSource({
            "2Gi, 2147483648", "512Mi, 536870912", "1Ki, 1024", "1Ti, 1099511627776", "1Pi, 1125899906842624",
            "1.5Gi, 1610612736", "2G, 2000000000", "500M, 500000000", "3k, 3000", "1T, 1000000000000",
            "1P, 1000000000000000", "1048576, 1048576", "1e6, 1000000", "1E3, 1000", "0.5Ki, 512", "1.0001k, 1001",
            "' 1Gi ', 1073741824", ".5Mi, 524288", "1.5, 2"})
    void memory(String text, long bytes) {
        assertThat(Quantities.memoryBytes(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "cpu {0} = {1} millicores")
    @CsvSource({"1000m, 1000", "2, 2000", "0.5, 500", "250m, 250", "1.5, 1500", "0.0001, 1", "100m, 100",
            "1e1, 10000", "2k, 2000000"})
    void cpu(String text, long millis) {
        assertThat(Quantities.cpuMillis(text)).isEqualTo(millis);
        assertThat(Quantities.nanoCpus(millis)).isEqualTo(millis * 1_000_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2GB", "2 Gi", "Gi", "two", "-1Gi", "1.2.3", "0x10", "1gi", "1Gib", "1e", "e3"})
    void unparsableMemoryIsRefusedWithAReason(String text) {
        assertThatThrownBy(() -> Quantities.memoryBytes(text)).isInstanceOf(InvalidQuantityException.class)
                .hasMessageContaining("memory");
    }

    @Test
    void reasonTellsWhatToWriteInstead() {
        assertThatThrownBy(() -> Quantities.memoryBytes("2GB"))
                .hasMessage("memory \"2GB\" is not a Kubernetes quantity (use e.g. 2Gi or 2G)");
        assertThatThrownBy(() -> Quantities.cpuMillis("2 cores"))
                .hasMessage("cpu \"2 cores\" is not a Kubernetes quantity (use e.g. 1000m, 1 or 0.5)");
        assertThatThrownBy(() -> Quantities.memoryBytes("512m")).hasMessageContaining("512Mi");
        assertThatThrownBy(() -> Quantities.memoryBytes("0")).hasMessageContaining("greater than zero");
        assertThatThrownBy(() -> Quantities.cpuMillis("")).hasMessageContaining("cpu is empty");
        assertThatThrownBy(() -> Quantities.memoryBytes("99999999Ei")).hasMessageContaining("too large");
    }

    @Test
    void formatsForHumans() {
        assertThat(Quantities.formatCores(1500)).isEqualTo("1.5");
        assertThat(Quantities.formatCores(4000)).isEqualTo("4");
        assertThat(Quantities.formatBytes(1610612736L)).isEqualTo("1.5Gi");
        assertThat(Quantities.formatBytes(536870912L)).isEqualTo("512Mi");
        assertThat(Quantities.formatBytes(100)).isEqualTo("100");
    }
}
