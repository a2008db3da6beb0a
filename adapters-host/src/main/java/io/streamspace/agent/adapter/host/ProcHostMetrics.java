package io.streamspace.agent.adapter.host;

import io.streamspace.agent.application.port.out.HostMetrics;
import io.streamspace.agent.domain.metrics.HostSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host metrics from Linux's {@code /proc}: {@code loadavg} (1, 5, 15 minute load averages), {@code meminfo}
 * ({@code MemTotal}, {@code MemAvailable}) and {@code stat} (processors online). Inside a container these are the
 * host's figures, which is what an operator of the host wants.
 */
public final class ProcHostMetrics implements HostMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(ProcHostMetrics.class);

    private final Path proc;
    private volatile boolean warned;

    public ProcHostMetrics(Path proc) {
        this.proc = proc;
    }

    public static ProcHostMetrics system() {
        return new ProcHostMetrics(Path.of("/proc"));
    }

    @Override
    public Optional<HostSnapshot> read() {
        try {
            String[] load = Files.readString(proc.resolve("loadavg"), StandardCharsets.US_ASCII).strip().split("\\s+");
            List<String> meminfo = Files.readAllLines(proc.resolve("meminfo"), StandardCharsets.US_ASCII);
            long total = kibibytes(meminfo, "MemTotal:");
            long available = kibibytes(meminfo, "MemAvailable:");
            return Optional.of(new HostSnapshot(Double.parseDouble(load[0]), Double.parseDouble(load[1]),
                    Double.parseDouble(load[2]), total * 1024, available * 1024, cpus()));
        } catch (IOException | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("Host metrics are not available from {}: {}", proc, e.toString());
            }
            return Optional.empty();
        }
    }

    private int cpus() {
        try (var lines = Files.lines(proc.resolve("stat"), StandardCharsets.US_ASCII)) {
            int count = (int) lines.filter(l -> l.matches("cpu\\d+\\s.*")).count();
            return count > 0 ? count : Runtime.getRuntime().availableProcessors();
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    private static long kibibytes(List<String> meminfo, String key) {
        for (String line : meminfo) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).strip().split("\\s+");
                return Long.parseLong(parts[0]);
            }
        }
        throw new IllegalStateException("meminfo has no " + key + " line");
    }
}
