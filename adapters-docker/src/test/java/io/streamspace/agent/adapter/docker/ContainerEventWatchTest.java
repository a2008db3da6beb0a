package io.streamspace.agent.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventActor;
import com.github.dockerjava.api.model.EventType;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerEventWatchTest {

    @Test
    void aDieEventCarriesNameLabelsAndExitCode() {
        Event event = event("die", Map.of("name", "streamspace-s1", "image", "img", "exitCode", "137",
                "io.streamspace.session", "s1"));

        assertThat(ContainerEventWatch.map(event))
                .isEqualTo(new ContainerEvent("streamspace-s1", "die", Map.of("io.streamspace.session", "s1"), 137,
                        1_000_000_000L)); // the engine's time (here whole seconds: no timeNano), to resume from
    }

    @Test
    void anEventWithoutExitCodeHasMinusOne() {
        assertThat(ContainerEventWatch.map(event("start", Map.of("name", "c"))).exitCode()).isEqualTo(-1);
        assertThat(ContainerEventWatch.map(event("die", Map.of("name", "c", "exitCode", "x"))).exitCode()).isEqualTo(-1);
    }

    private static Event event(String action, Map<String, String> attributes) {
        return new Event(action, "0123456789ab", "img", 1L).withType(EventType.CONTAINER).withAction(action)
                .withEventActor(new EventActor().withId("0123456789ab").withAttributes(attributes));
    }
}
