package io.streamspace.agent.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.controlplane.InboundMessage;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StartPermitTest {

    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void shutdown() {
        workers.shutdownNow();
    }

    private static InboundMessage.Command start(String sessionId) {
        return new InboundMessage.Command("cmd-" + sessionId, "start_session", Map.of("sessionId", sessionId));
    }

    @Test
    void aStartThatGaveItsPermitBackEarlyLetsTheNextStartRunWhileItStillWaits() throws Exception {
        SessionCommandQueue queue = new SessionCommandQueue(workers, 1);
        CountDownLatch firstWaits = new CountDownLatch(1);
        CountDownLatch secondRan = new CountDownLatch(1);
        queue.schedule(start("s1"), () -> {
            StartPermit.releaseEarly();
            StartPermit.releaseEarly(); // a second call gives back nothing more
            await(firstWaits);
        });
        queue.schedule(start("s2"), secondRan::countDown);

        assertThat(secondRan.await(10, TimeUnit.SECONDS)).as("the second start ran while the first waited").isTrue();
        firstWaits.countDown();
        assertThat(queue.awaitIdle(java.time.Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void withoutAnEarlyReleaseTheBoundHoldsAndAPermitIsNeverGivenBackTwice() throws Exception {
        SessionCommandQueue queue = new SessionCommandQueue(workers, 1);
        CountDownLatch firstWaits = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Runnable work = () -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            await(firstWaits);
            running.decrementAndGet();
        };
        queue.schedule(start("s1"), work);
        queue.schedule(start("s2"), work);
        // s1 holds the only permit: s2 must not start, however long we look
        assertThat(firstWaits.await(300, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(most.get()).isEqualTo(1);
        firstWaits.countDown();
        assertThat(queue.awaitIdle(java.time.Duration.ofSeconds(10))).isTrue();

        // released early and again by the queue at the end: still one permit, so two new starts run one at a time
        CountDownLatch gate = new CountDownLatch(1);
        most.set(0);
        Runnable releasing = () -> {
            StartPermit.releaseEarly();
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            running.decrementAndGet();
        };
        queue.schedule(start("s3"), releasing);
        assertThat(queue.awaitIdle(java.time.Duration.ofSeconds(10))).isTrue();
        Runnable holding = () -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            await(gate);
            running.decrementAndGet();
        };
        queue.schedule(start("s4"), holding);
        queue.schedule(start("s5"), holding);
        assertThat(gate.await(300, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(most.get()).isEqualTo(1);
        gate.countDown();
        assertThat(queue.awaitIdle(java.time.Duration.ofSeconds(10))).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
