package io.streamspace.agent.application.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.InMemorySessionRuntime;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeteredSessionRuntimeTest {

    private final List<String> finished = new ArrayList<>();
    private final InMemorySessionRuntime runtime = new InMemorySessionRuntime();
    private final MeteredSessionRuntime metered = new MeteredSessionRuntime(runtime,
            (action, outcome) -> finished.add(action + ":" + outcome.name().toLowerCase(java.util.Locale.ROOT)));

    @Test
    void mutationsAreCountedByOutcomeAndReadsAreNot() {
        Map<String, String> owner = Map.of("streamspace.agent.id", "a1");
        metered.ensureNetwork("net-1", owner);
        metered.findNetworks(owner);
        metered.inspect("nothing");
        assertThat(metered.removeNetwork("net-1", owner)).isTrue();
        runtime.addForeignNetwork("foreign-net", Map.of());
        assertThatThrownBy(() -> metered.removeNetwork("foreign-net", owner))
                .isInstanceOf(RuntimeOperationException.class);
        assertThat(finished).containsExactly("ensure_network:success", "remove_network:success",
                "remove_network:failure");
    }
}
