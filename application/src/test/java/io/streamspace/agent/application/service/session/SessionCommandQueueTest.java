package io.streamspace.agent.application.service.session;

import static io.streamspace.agent.application.service.session.SessionFixture.command;
import static io.streamspace.agent.application.service.session.SessionFixture.idPayload;
import static io.streamspace.agent.application.service.session.SessionFixture.startPayload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.CommandRouter;
import io.streamspace.agent.application.service.SessionCommandQueue;
import io.streamspace.agent.domain.capacity.CapacityLimits;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionCommandQueueTest {

    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void shutdown() {
        workers.shutdownNow();
    }

    private static CommandRouter router(SessionFixture f, SessionCommandQueue queue) {
        Map<String, CommandHandler> handlers = Map.of(StartSessionHandler.ACTION, f.start,
                StopSessionHandler.ACTION, f.stop, HibernateSessionHandler.ACTION, f.hibernate,
                WakeSessionHandler.ACTION, f.wake);
        // Through the Executor constructor, as bootstrap wires it.
        return new CommandRouter(handlers, f.messages, (java.util.concurrent.Executor) queue);
    }

    @Test
    void aStopThatArrivesDuringItsStartWaitsAndThenWins() {
        SessionFixture f = new SessionFixture();
        SessionCommandQueue queue = new SessionCommandQueue(workers, 4);
        CommandRouter router = router(f, queue);
        CountDownLatch gate = new CountDownLatch(1);
        f.runtime.createGate = gate;

        router.handle(command("cmd-start", StartSessionHandler.ACTION, startPayload("s1")));
        await().until(() -> f.runtime.createsInFlight.get() == 1);
        router.handle(command("cmd-stop", StopSessionHandler.ACTION, idPayload("s1")));
        // Both acknowledged at once, neither finished.
        assertThat(f.sent).containsExactly(new OutboundMessage.Ack("cmd-start"), new OutboundMessage.Ack("cmd-stop"));
        assertThat(queue.pending("s1")).isEqualTo(2);

        gate.countDown();
        await().until(() -> f.sent.stream().filter(m -> m instanceof OutboundMessage.Complete).count() == 2);
        assertThat(f.states("s1")).containsExactly("running", "terminated");
        assertThat(f.runtime.containers).isEmpty();
        List<String> order = f.sent.stream().map(m -> m instanceof OutboundMessage.Complete c ? c.commandId()
                : m.type()).toList();
        assertThat(order).containsSubsequence("cmd-start", "cmd-stop");
        assertThat(queue.pending("s1")).isZero();
    }

    @Test
    void startsAreBoundedWhileOtherSessionsProceed() {
        SessionFixture f = new SessionFixture(CapacityLimits.of(100, 0, 0), HibernateMode.STOP);
        SessionCommandQueue queue = new SessionCommandQueue(workers, 3);
        CommandRouter router = router(f, queue);
        f.startRunningQuietly("other");
        CountDownLatch gate = new CountDownLatch(1);
        f.runtime.createGate = gate;

        for (int i = 0; i < 10; i++) {
            router.handle(command("cmd-" + i, StartSessionHandler.ACTION, startPayload("s" + i)));
        }
        await().until(() -> f.runtime.createsInFlight.get() == 3);
        // A stop of another session is not held up by the starts.
        router.handle(command("cmd-stop", StopSessionHandler.ACTION, idPayload("other")));
        await().until(() -> f.states("other").contains("terminated"));
        assertThat(f.runtime.createsInFlight.get()).isEqualTo(3);

        gate.countDown();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> f.sent.stream().filter(m -> m instanceof OutboundMessage.Complete).count() == 11);
        assertThat(f.runtime.maxCreatesInFlight.get()).isEqualTo(3);
        assertThat(f.runtime.containers).hasSize(10);
    }

    @Test
    void commandsWithoutAValidSessionIdStillGetAnswered() {
        SessionFixture f = new SessionFixture();
        CommandRouter router = router(f, new SessionCommandQueue(workers, 1));
        router.handle(command("cmd-x", StopSessionHandler.ACTION, Map.of("sessionId", "../x")));
        await().until(() -> f.sent.size() == 2);
        assertThat(f.sent.get(1)).isInstanceOfSatisfying(OutboundMessage.Failed.class,
                failed -> assertThat(failed.error()).contains("sessionId"));
    }
}
