package io.streamspace.agent.adapter.http.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.InMemorySessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarWatchesTest {

    private static final Map<String, String> OWNER = Map.of("owner", "me");
    private final InMemorySessionRuntime engine = new InMemorySessionRuntime().withImage("img:1");
    private final SignedSidecarServerTest.MutableClock clock =
            new SignedSidecarServerTest.MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
    private final SidecarWatches watches = new SidecarWatches(engine, clock);

    @Test
    void aPollReturnsTheEventsAfterItsCursorAndANewCursor() throws Exception {
        String id = watches.open(OWNER, 0);
        engine.createAndStart(spec("c1"));

        SidecarWatches.Batch first = watches.poll(id, 0, Duration.ZERO);
        assertThat(first.events()).extracting(ContainerEvent::action).containsExactly("create", "start");
        assertThat(first.cursor()).isEqualTo(2);
        assertThat(watches.poll(id, first.cursor(), Duration.ZERO).events()).isEmpty();
        assertThat(watches.poll(id, 1, Duration.ZERO).events()).extracting(ContainerEvent::action)
                .containsExactly("start");
    }

    @Test
    void aWatchNobodyPollsForTwoMinutesIsClosedAndForgotten() {
        String idle = watches.open(OWNER, 0);
        clock.advanceSeconds(121);
        watches.open(OWNER, 0); // any call sweeps

        assertThatThrownBy(() -> watches.poll(idle, 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown watch");
        engine.createAndStart(spec("c2")); // the closed runtime watch receives nothing (no error either)
    }

    @Test
    void closingWakesAWaitingPoll() throws Exception {
        String id = watches.open(OWNER, 0);
        var result = new java.util.concurrent.CompletableFuture<SidecarWatches.Batch>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(watches.poll(id, 0, Duration.ofSeconds(30)));
            } catch (InterruptedException e) {
                result.completeExceptionally(e);
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> watches.waiting(id));

        watches.close(id);

        assertThat(result.get(5, java.util.concurrent.TimeUnit.SECONDS).events()).isEmpty();
    }

    private static ContainerSpec spec(String name) {
        return new ContainerSpec(name, "img:1", OWNER, Map.of(), 0, 0, "", List.of(), List.of(), "127.0.0.1", "no",
                true, 0);
    }
}
