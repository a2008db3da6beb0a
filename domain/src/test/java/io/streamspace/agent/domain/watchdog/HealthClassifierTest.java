package io.streamspace.agent.domain.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.watchdog.ContainerSnapshot.Health;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HealthClassifierTest {

    private static final String GLIBC_LINE =
            "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.39' not found (required by /usr/local/bin/compose-agent)";

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("running, no HEALTHCHECK", ContainerSnapshot.running("c1", Health.NONE), List.of(),
                        HealthState.HEALTHY),
                Arguments.of("running, healthy", ContainerSnapshot.running("c1", Health.HEALTHY), List.of(),
                        HealthState.HEALTHY),
                Arguments.of("running, starting", ContainerSnapshot.running("c1", Health.STARTING), List.of(),
                        HealthState.STARTING),
                Arguments.of("running, unhealthy, with probe output",
                        new ContainerSnapshot("c1", "running", true, Health.UNHEALTHY, "no /tmp/ok\n", 0, ""),
                        List.of(), new HealthState.Unhealthy("health check reports unhealthy: no /tmp/ok")),
                Arguments.of("running, unhealthy, silent probe",
                        ContainerSnapshot.running("c1", Health.UNHEALTHY), List.of(),
                        new HealthState.Unhealthy("health check reports unhealthy")),
                Arguments.of("paused", new ContainerSnapshot("c1", "paused", true, Health.NONE, "", 0, ""), List.of(),
                        new HealthState.Unhealthy("paused")),
                Arguments.of("exited 1, plain crash", ContainerSnapshot.exited("c1", 1, ""),
                        List.of("starting", "panic: boom"), new HealthState.Unhealthy("exited with code 1")),
                Arguments.of("exited 0", ContainerSnapshot.exited("c1", 0, ""), List.of(),
                        new HealthState.Unhealthy("exited with code 0")),
                Arguments.of("engine restart loop counts as exited",
                        new ContainerSnapshot("c1", "restarting", false, Health.NONE, "", 137, ""), List.of(),
                        new HealthState.Unhealthy("exited with code 137")),
                Arguments.of("created, never started",
                        new ContainerSnapshot("c1", "created", false, Health.NONE, "", 0, ""), List.of(),
                        new HealthState.Unhealthy("created (exit code 0)")),
                Arguments.of("State.Error without glibc is kept in the reason",
                        ContainerSnapshot.exited("c1", 127, "exec: \"/agent\": no such file"), List.of(),
                        new HealthState.Unhealthy("exited with code 127: exec: \"/agent\": no such file")),
                Arguments.of("glibc in the logs (State.Error empty: the loader failed inside the process)",
                        ContainerSnapshot.exited("c1", 1, ""), List.of("booting", GLIBC_LINE),
                        new HealthState.GlibcMismatch(GLIBC_LINE + " (container log)")),
                Arguments.of("glibc in State.Error",
                        ContainerSnapshot.exited("c1", 1, "version `GLIBC_2.34' not found"), List.of(),
                        new HealthState.GlibcMismatch("version `GLIBC_2.34' not found (State.Error)")),
                Arguments.of("State.Error wins over the logs",
                        ContainerSnapshot.exited("c1", 1, "version `GLIBC_2.34' not found"), List.of(GLIBC_LINE),
                        new HealthState.GlibcMismatch("version `GLIBC_2.34' not found (State.Error)")),
                Arguments.of("GLIBC_PRIVATE", ContainerSnapshot.exited("c1", 1, ""),
                        List.of("./x: /lib/libc.so.6: version `GLIBC_PRIVATE' not found"),
                        new HealthState.GlibcMismatch("./x: /lib/libc.so.6: version `GLIBC_PRIVATE' not found (container log)")),
                Arguments.of("glibc text in the logs of a running container does not matter",
                        ContainerSnapshot.running("c1", Health.NONE), List.of(GLIBC_LINE), HealthState.HEALTHY),
                Arguments.of("a mere mention of GLIBC is no loader error", ContainerSnapshot.exited("c1", 2, ""),
                        List.of("built against GLIBC_2.36"), new HealthState.Unhealthy("exited with code 2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void classifies(String name, ContainerSnapshot snapshot, List<String> logs, HealthState expected) {
        assertThat(HealthClassifier.classify(Optional.of(snapshot), logs)).isEqualTo(expected);
    }

    @Test
    void aMissingContainerIsNotFound() {
        assertThat(HealthClassifier.classify(Optional.empty(), List.of())).isEqualTo(HealthState.NOT_FOUND);
        assertThat(HealthClassifier.needsLogs(Optional.empty())).isFalse();
    }

    @Test
    void logsAreOnlyNeededForAContainerThatIsNotRunning() {
        assertThat(HealthClassifier.needsLogs(Optional.of(ContainerSnapshot.exited("c", 1, "")))).isTrue();
        assertThat(HealthClassifier.needsLogs(Optional.of(ContainerSnapshot.running("c", Health.UNHEALTHY)))).isFalse();
    }

    @Test
    void onlyUnhealthyAndGlibcNeedARestart() {
        assertThat(new HealthState.Unhealthy("x").needsRestart()).isTrue();
        assertThat(new HealthState.GlibcMismatch("x").needsRestart()).isTrue();
        assertThat(HealthState.HEALTHY.needsRestart()).isFalse();
        assertThat(HealthState.STARTING.needsRestart()).isFalse();
        assertThat(HealthState.NOT_FOUND.needsRestart()).isFalse();
        assertThat(new HealthState.GlibcMismatch("d").describe()).isEqualTo("glibc mismatch: d");
    }
}
