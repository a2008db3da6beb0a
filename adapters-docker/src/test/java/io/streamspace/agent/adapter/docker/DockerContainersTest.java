package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.DockerException;
import io.streamspace.agent.adapter.docker.StubDockerEngine.Reply;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A container's inspect when Podman loses the race with the container's exit: it answers 500 "read
 * /proc/&lt;pid&gt;/cgroup: no such process" while the process ends, and the next look shows the container exited. A
 * real Podman gives that answer only now and then (it turned a crash-looping start's "exit code 3" into this message
 * once in CI, SessionStartE2ETest), so the race is played by a stub engine giving Podman's exact reply.
 */
class DockerContainersTest {

    private static final String NAME = "ss-race-1";
    private static final String INSPECT_PATH = "/containers/" + NAME + "/json";
    private static final String PODMAN_EXITING = "{\"cause\":\"no such process\","
            + "\"message\":\"read /proc/48213/cgroup: no such process\",\"response\":500}";
    private static final String EXITED = "{\"Id\":\"4f1c0d9e2b7a\",\"Name\":\"/" + NAME + "\","
            + "\"State\":{\"Status\":\"exited\",\"Running\":false,\"ExitCode\":3,\"Error\":\"\"},"
            + "\"Config\":{\"Image\":\"busybox\",\"Labels\":{\"streamspace.managed\":\"true\"}},"
            + "\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"no\"}}}";

    private StubDockerEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /** A runtime on a stub whose container inspect gives {@code first} this many times, then {@code then}. */
    private DockerSessionRuntime engineWhoseInspect(Reply first, int times, Reply then) {
        AtomicInteger inspects = new AtomicInteger();
        engine = StubDockerEngine.replying(request -> {
            if (request.endsWith("/version")) {
                return Reply.json(200, "{\"Version\":\"5.4.2\",\"ApiVersion\":\"1.41\",\"Os\":\"linux\","
                        + "\"Components\":[{\"Name\":\"Podman Engine\",\"Version\":\"5.4.2\"}]}");
            }
            if (request.endsWith(INSPECT_PATH)) {
                return inspects.incrementAndGet() <= times ? first : then;
            }
            return Reply.json(404, "{\"message\":\"not stubbed: " + request + "\"}");
        });
        return DockerSessionRuntime.connect(engine.clients());
    }

    private List<String> inspectsAsked() {
        return engine.asked().stream().filter(r -> r.endsWith(INSPECT_PATH)).toList();
    }

    @Test
    void anInspectRacingTheContainersExitIsAskedAgainAndShowsTheExitCode() {
        var runtime = engineWhoseInspect(Reply.json(500, PODMAN_EXITING), 2, Reply.json(200, EXITED));

        ContainerState state = runtime.inspect(NAME).orElseThrow();

        assertThat(state.status()).isEqualTo("exited");
        assertThat(state.exitCode()).isEqualTo(3);
        assertThat(inspectsAsked()).hasSize(3);
    }

    @Test
    void anInspectThatKeepsRacingFailsWithPodmansMessageAfterAFewAttempts() {
        var runtime = engineWhoseInspect(Reply.json(500, PODMAN_EXITING), Integer.MAX_VALUE, Reply.json(200, EXITED));

        assertThatThrownBy(() -> runtime.inspect(NAME))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("refused to inspect container " + NAME)
                .hasMessageContaining("read /proc/48213/cgroup: no such process (HTTP 500)");
        assertThat(inspectsAsked()).hasSize(5);
    }

    @Test
    void anyOtherEngineErrorOfAnInspectFailsAtOnce() {
        var runtime = engineWhoseInspect(Reply.json(500, "{\"message\":\"database is locked\"}"), 1,
                Reply.json(200, EXITED));

        assertThatThrownBy(() -> runtime.inspect(NAME))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("database is locked (HTTP 500)");
        assertThat(inspectsAsked()).hasSize(1);
    }

    @Test
    void noSuchProcessIsOnlyPodmansRaceWhenItIsA500AboutAProcFile() {
        assertThat(DockerContainers.isExitingDuringInspect(new DockerException(
                "Status 500: " + PODMAN_EXITING, 500))).isTrue();
        assertThat(DockerContainers.isExitingDuringInspect(new DockerException(
                "Status 409: " + PODMAN_EXITING, 409))).isFalse();
        assertThat(DockerContainers.isExitingDuringInspect(new DockerException(
                "Status 500: {\"message\":\"kill: no such process\"}", 500))).isFalse();
    }
}
