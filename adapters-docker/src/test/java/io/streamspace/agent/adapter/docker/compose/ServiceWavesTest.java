package io.streamspace.agent.adapter.docker.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.compose.ServiceSpec.Condition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceWavesTest {

    @Test
    void aWaveRunsAllItsServicesAtOnceOnPlatformThreadsAndRethrowsTheFirstFailure() throws Exception {
        CountDownLatch allRunning = new CountDownLatch(3);
        Map<String, Thread> threads = new ConcurrentHashMap<>();
        ServiceWaves.run("test-", List.of("a", "b", "c"), service -> {
            threads.put(service, Thread.currentThread());
            allRunning.countDown();
            // each waits for the other two: only a wave run at once gets past this
            assertThat(allRunning.await(30, TimeUnit.SECONDS)).as("all three running together").isTrue();
        });
        assertThat(threads).containsOnlyKeys("a", "b", "c");
        // platform threads: a virtual thread's socket I/O would start the JDK's poller, and the JVM waits ~300 ms
        // at exit for a thread left in native code (the CLI's stack up)
        assertThat(threads.values()).noneMatch(Thread::isVirtual);
        assertThat(threads.get("b").getName()).isEqualTo("test-b");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServiceWaves.run("test-", List.of("ok", "bad"),
                service -> {
                    if (service.equals("bad")) {
                        throw new IllegalStateException("bad failed");
                    }
                })).isInstanceOf(IllegalStateException.class).hasMessage("bad failed");
    }

    @Test
    void stopOrderTakesDependentsFirstAndEachLevelTogether() {
        Map<String, Set<String>> dependsOn = Map.of("web", Set.of("api"), "api", Set.of("db", "cache"),
                "worker", Set.of("db"), "db", Set.of(), "cache", Set.of());
        assertThat(ServiceWaves.stopOrder(dependsOn)).containsExactly(List.of("web", "worker"), List.of("api"),
                List.of("cache", "db"));
    }

    @Test
    void unknownDependenciesAreIgnoredAndACycleIsTakenTogether() {
        assertThat(ServiceWaves.stopOrder(Map.of("a", Set.of("gone"), "b", Set.of()))).containsExactly(
                List.of("a", "b"));
        assertThat(ServiceWaves.stopOrder(Map.of("a", Set.of("b"), "b", Set.of("a"), "c", Set.of("a"))))
                .containsExactly(List.of("c"), List.of("a", "b"));
        assertThat(ServiceWaves.stopOrder(Map.of())).isEmpty();
    }

    @Test
    void theDependsOnLabelIsWrittenAsComposeV2DoesAndReadBack() {
        Map<String, Condition> dependsOn = new LinkedHashMap<>();
        dependsOn.put("db", Condition.SERVICE_HEALTHY);
        dependsOn.put("cache", Condition.SERVICE_STARTED);
        String label = ServiceWaves.dependsOnLabel(dependsOn);
        assertThat(label).isEqualTo("cache:service_started:false,db:service_healthy:false");
        assertThat(ServiceWaves.parseDependsOnLabel(label)).containsExactlyInAnyOrder("cache", "db");
        assertThat(ServiceWaves.parseDependsOnLabel(null)).isEmpty();
        assertThat(ServiceWaves.parseDependsOnLabel("")).isEmpty();
        assertThat(ServiceWaves.parseDependsOnLabel("db")).containsExactly("db");
    }
}
