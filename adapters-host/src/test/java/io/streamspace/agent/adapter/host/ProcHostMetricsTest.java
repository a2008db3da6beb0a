package io.streamspace.agent.adapter.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.metrics.HostSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcHostMetricsTest {

    @Test
    void readsLoadMemoryAndProcessorsFromAProcTree(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("loadavg"), "0.52 0.58 0.59 1/1052 12345\n");
        Files.writeString(proc.resolve("meminfo"), """
                MemTotal:       16303740 kB
                MemFree:         1203548 kB
                MemAvailable:   10210972 kB
                Buffers:          523600 kB
                """);
        Files.writeString(proc.resolve("stat"), "cpu  1 2 3\ncpu0 1 2 3\ncpu1 1 2 3\nintr 5\n");

        HostSnapshot host = new ProcHostMetrics(proc).read().orElseThrow();
        assertThat(host).isEqualTo(new HostSnapshot(0.52, 0.58, 0.59, 16_303_740L * 1024, 10_210_972L * 1024, 2));
        assertThat(host.memoryUsedBytes()).isEqualTo((16_303_740L - 10_210_972L) * 1024);
    }

    @Test
    void isEmptyWhereThereIsNoProc(@TempDir Path empty) {
        assertThat(new ProcHostMetrics(empty).read()).isEmpty();
    }

    @Test
    void readsThisLinuxHost() {
        HostSnapshot host = ProcHostMetrics.system().read().orElseThrow();
        assertThat(host.memoryTotalBytes()).isPositive();
        assertThat(host.memoryAvailableBytes()).isBetween(0L, host.memoryTotalBytes());
        assertThat(host.cpus()).isPositive();
        assertThat(host.load1()).isNotNegative();
    }
}
