package io.streamspace.agent.application.service.panel;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.in.FollowAgentEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AgentEventFeedTest {

    private final AgentEventFeed feed = new AgentEventFeed(Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"),
            ZoneOffset.UTC), 5, 3);

    @Test
    void aSlowSubscriberLosesItsOldestEventsAndIsToldHowManyWhilePublishingNeverBlocks() throws Exception {
        FollowAgentEvents.Subscription slow = feed.subscribe(0);
        for (int i = 1; i <= 1_000; i++) {
            feed.publish("session_state", "event " + i, Map.of("n", i));
        }
        List<FollowAgentEvents.AgentEvent> got = slow.await(Duration.ZERO);
        assertThat(got).extracting(FollowAgentEvents.AgentEvent::summary)
                .containsExactly("event 998", "event 999", "event 1000");
        assertThat(slow.dropped()).isEqualTo(997);
        assertThat(feed.recent()).hasSize(5).first().extracting(FollowAgentEvents.AgentEvent::sequence)
                .isEqualTo(996L);
        assertThat(feed.lastSequence()).isEqualTo(1_000);
    }

    @Test
    void aNewSubscriberGetsTheRetainedEventsAfterItsLastSequenceThenLiveOnes() throws Exception {
        for (int i = 1; i <= 4; i++) {
            feed.publish("command_received", "event " + i, null);
        }
        FollowAgentEvents.Subscription reconnecting = feed.subscribe(2);
        assertThat(reconnecting.await(Duration.ZERO)).extracting(FollowAgentEvents.AgentEvent::sequence)
                .containsExactly(3L, 4L);
        CompletableFuture<List<FollowAgentEvents.AgentEvent>> next = CompletableFuture.supplyAsync(() -> {
            try {
                return reconnecting.await(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        feed.publish("leadership", "event 5", Map.of());
        assertThat(next.get(30, TimeUnit.SECONDS)).extracting(FollowAgentEvents.AgentEvent::summary)
                .containsExactly("event 5");
        assertThat(feed.subscriberCount()).isEqualTo(1);
        reconnecting.close();
        assertThat(feed.subscriberCount()).isZero();
    }

    @Test
    void closingASubscriptionWakesItsWaitingReader() throws Exception {
        FollowAgentEvents.Subscription subscription = feed.subscribe(0);
        CompletableFuture<List<FollowAgentEvents.AgentEvent>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return subscription.await(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        subscription.close();
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isEmpty();
        feed.publish("watchdog", "after close", Map.of());
        assertThat(subscription.await(Duration.ZERO)).isEmpty();
    }
}
