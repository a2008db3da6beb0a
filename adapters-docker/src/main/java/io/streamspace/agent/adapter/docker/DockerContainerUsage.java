package io.streamspace.agent.adapter.docker;

import static io.streamspace.agent.adapter.docker.DockerAccess.carries;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatsConfig;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime.ResourceUsage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Resource use of running containers: one {@code GET /containers/{id}/stats?stream=false} per container, all at
 * once on virtual threads (the engine takes about a second for each, as it samples twice). Memory is the usage
 * without the inactive page cache, as {@code docker stats} shows it.
 */
final class DockerContainerUsage {

    /** A container whose stats do not come within this is left out of the reading. */
    private static final long STATS_TIMEOUT_SECONDS = 10;

    private final DockerAccess access;

    DockerContainerUsage(DockerAccess access) {
        this.access = access;
    }

    Map<String, ResourceUsage> usage(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        List<Container> running = access.call("list running containers", () -> labels.isEmpty()
                ? access.docker().listContainersCmd().withStatusFilter(List.of("running")).exec()
                : access.docker().listContainersCmd().withStatusFilter(List.of("running")).withLabelFilter(labels)
                        .exec());
        Map<String, ResourceUsage> out = new LinkedHashMap<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Map.Entry<String, Future<ResourceUsage>>> readings = new ArrayList<>();
            for (Container c : running) {
                if (!carries(c.getLabels() == null ? Map.of() : c.getLabels(), labels) || c.getNames() == null
                        || c.getNames().length == 0) {
                    continue;
                }
                String name = c.getNames()[0].startsWith("/") ? c.getNames()[0].substring(1) : c.getNames()[0];
                readings.add(Map.entry(name, threads.submit(() -> read(c.getId()))));
            }
            for (Map.Entry<String, Future<ResourceUsage>> r : readings) {
                try {
                    ResourceUsage usage = r.getValue().get();
                    if (usage != null) {
                        out.put(r.getKey(), usage);
                    }
                } catch (ExecutionException e) {
                    // stopped or removed between the list and the reading: not running any more
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RuntimeOperationException("interrupted while reading container stats", e);
                }
            }
        }
        return out;
    }

    private ResourceUsage read(String id) throws InterruptedException {
        AtomicReference<Statistics> first = new AtomicReference<>();
        try (ResultCallback.Adapter<Statistics> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Statistics stats) {
                first.compareAndSet(null, stats);
            }
        }) {
            access.clients.streams().statsCmd(id).withNoStream(true).exec(callback)
                    .awaitCompletion(STATS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.io.IOException e) {
            // closing the callback failed: what was read is still good
        }
        Statistics stats = first.get();
        if (stats == null || stats.getCpuStats() == null || stats.getCpuStats().getCpuUsage() == null
                || stats.getMemoryStats() == null || stats.getMemoryStats().getUsage() == null) {
            return null; // a container that stopped meanwhile reports empty stats
        }
        Long cpu = stats.getCpuStats().getCpuUsage().getTotalUsage();
        return new ResourceUsage(cpu == null ? 0 : cpu, memory(stats.getMemoryStats()),
                limit(stats.getMemoryStats()), readAt(stats.getRead()));
    }

    /** Usage minus the inactive page cache (cgroup v2 {@code inactive_file}, v1 {@code total_inactive_file}). */
    private static long memory(MemoryStatsConfig memory) {
        long usage = memory.getUsage();
        StatsConfig details = memory.getStats();
        Long cache = null;
        if (details != null) {
            cache = details.getTotalInactiveFile() != null ? details.getTotalInactiveFile() : details.getInactiveFile();
        }
        return cache != null && cache < usage ? usage - cache : usage;
    }

    /** The engine reports the host's memory as the limit of an unlimited container; that is no limit. */
    private static long limit(MemoryStatsConfig memory) {
        Long limit = memory.getLimit();
        return limit == null || limit >= Long.MAX_VALUE / 2 ? 0 : limit;
    }

    private static Instant readAt(String read) {
        try {
            return read == null ? Instant.now() : Instant.parse(read);
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }
}
