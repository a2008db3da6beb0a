package io.streamspace.agent.adapter.docker.compose;

import io.streamspace.agent.domain.compose.ServiceSpec.Condition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Services handled in waves, each wave's services at once: {@code up} starts a wave when what it depends on is up,
 * {@code down} stops a wave when nothing that depends on it is left. Also the {@code com.docker.compose.depends_on}
 * label that lets {@code down} know the order without the Compose file.
 */
final class ServiceWaves {

    /** What one service of a wave does. */
    interface Step {
        void run(String service) throws InterruptedException;
    }

    private ServiceWaves() {}

    /**
     * Runs {@code step} for every service of the wave at once, each on a thread named {@code prefix + service} (one
     * alone runs on the caller's thread), and waits for all of them; then rethrows the first failure, so nothing of a
     * later wave runs after one failed. Platform threads, not virtual ones: a virtual thread's socket I/O starts the
     * JDK's I/O poller, a platform thread that stays in {@code epoll_wait}, and a JVM exits only after waiting ~300 ms
     * for threads in native code, a third of a CLI {@code stack up} (docs/benchmarks.md). A wave holds a few threads.
     */
    static void run(String prefix, List<String> wave, Step step) throws InterruptedException {
        if (wave.size() == 1) {
            step.run(wave.get(0));
            return;
        }
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String service : wave) {
            threads.add(Thread.ofPlatform().daemon().name(prefix + service).start(() -> {
                try {
                    step.run(service);
                } catch (InterruptedException e) {
                    failures.add(e);
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                }
            }));
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            throw e;
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.get(0);
            if (first instanceof InterruptedException ie) {
                throw ie;
            }
            if (first instanceof RuntimeException re) {
                throw re;
            }
            throw (Error) first;
        }
    }

    /**
     * The waves in which to stop services, given what each depends on: first those nothing (left) depends on, last
     * those everything depends on. Dependencies on services not in the map are ignored; a cycle (which {@code up}
     * refuses, but labels can be edited) is broken by taking the rest together. Each wave is sorted by name.
     */
    static List<List<String>> stopOrder(Map<String, Set<String>> dependsOn) {
        Set<String> left = new TreeSet<>(dependsOn.keySet());
        List<List<String>> waves = new ArrayList<>();
        while (!left.isEmpty()) {
            Set<String> needed = new HashSet<>();
            for (String service : left) {
                needed.addAll(dependsOn.get(service));
            }
            List<String> wave = left.stream().filter(service -> !needed.contains(service)).toList();
            if (wave.isEmpty()) {
                wave = List.copyOf(left);
            }
            waves.add(wave);
            wave.forEach(left::remove);
        }
        return waves;
    }

    /** The label value as Compose v2 writes it: {@code db:service_healthy:false,cache:service_started:false}. */
    static String dependsOnLabel(Map<String, Condition> dependsOn) {
        List<String> parts = new ArrayList<>();
        new TreeSet<>(dependsOn.keySet()).forEach(service ->
                parts.add(service + ":" + dependsOn.get(service).composeName() + ":false"));
        return String.join(",", parts);
    }

    /** The services named in a {@code com.docker.compose.depends_on} label (none when absent or blank). */
    static Set<String> parseDependsOnLabel(String label) {
        Set<String> services = new HashSet<>();
        if (label == null) {
            return services;
        }
        for (String part : label.split(",")) {
            String service = part.strip();
            int colon = service.indexOf(':');
            service = colon < 0 ? service : service.substring(0, colon);
            if (!service.isEmpty()) {
                services.add(service);
            }
        }
        return services;
    }
}
