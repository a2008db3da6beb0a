package io.streamspace.agent.adapter.docker.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.compose.ServiceSpec.Condition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceWavesTest {

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
