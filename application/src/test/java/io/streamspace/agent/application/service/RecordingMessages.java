package io.streamspace.agent.application.service;

import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.util.List;

/**
 * Messages that record what happens to them as events: a plain send as {@code send <type>}, a terminal answer as
 * {@code store <type>}, then whatever its callback does (a journal end), then {@code release <type>}, the order the
 * link keeps (ADR 0031).
 */
public final class RecordingMessages implements ControlPlaneMessages {

    private final List<String> events;

    public RecordingMessages(List<String> events) {
        this.events = events;
    }

    @Override
    public void send(OutboundMessage message) {
        events.add("send " + message.type());
    }

    @Override
    public void answer(OutboundMessage answer, Runnable answered) {
        events.add("store " + answer.type());
        answered.run();
        events.add("release " + answer.type());
    }
}
