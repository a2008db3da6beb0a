package io.streamspace.agent.application.service.election;

import io.streamspace.agent.application.port.in.ServeControlPlane;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** A control-plane link that "serves" until stopped, recording what happened to it in a shared event list. */
final class FakeLink implements ServeControlPlane {

    private final int number;
    private final List<String> events;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile StopReason finalAnswer = StopReason.STOPPED;
    volatile int serveCalls;
    volatile boolean serving;
    volatile boolean stopped;

    FakeLink(int number, List<String> events) {
        this.number = number;
        this.events = events;
    }

    @Override
    public StopReason serve() throws InterruptedException {
        serveCalls++;
        if (serveCalls > 1) {
            throw new IllegalStateException("link " + number + " served twice");
        }
        events.add("serve " + number);
        serving = true;
        try {
            stop.await();
            return finalAnswer;
        } finally {
            serving = false;
            events.add("served " + number);
        }
    }

    @Override
    public void stop() {
        stopped = true;
        events.add("stop " + number);
        stop.countDown();
    }

    /** The control plane ends this link by itself with {@code reason}. */
    void endBy(StopReason reason) {
        finalAnswer = reason;
        stop.countDown();
    }
}
