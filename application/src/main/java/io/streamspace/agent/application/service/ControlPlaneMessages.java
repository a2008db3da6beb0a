package io.streamspace.agent.application.service;

import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What command handlers use to talk back to the control plane. Messages that must be delivered
 * ({@link OutboundMessage#mustDeliver()}) are kept while the link is down and sent, in order, after reconnect.
 */
public interface ControlPlaneMessages {

    void send(OutboundMessage message);

    /**
     * Sends {@code answer}, the terminal answer ({@code complete}/{@code failed}) of a journaled command, and runs
     * {@code answered} (the command leaves the command journal) after the answer is stored durably and before it
     * can reach the control plane. A process killed in between leaves both the stored answer and the journal entry;
     * the next process delivers the answer and drops the entry ({@link SettledCommandJournal}) instead of answering
     * the command a second time (ADR 0031). If storing the answer fails, {@code answered} is not run.
     *
     * <p>By default (messages that keep nothing, tests) the answer is sent and then {@code answered} runs; a
     * decorator must pass both on to its delegate's {@code answer}, or the order is lost.
     */
    default void answer(OutboundMessage answer, Runnable answered) {
        send(answer);
        answered.run();
    }

    /**
     * Messages that go through whatever {@code messages} supplies at each call: for services built before the
     * link they talk through (the link is told about them when it is built).
     */
    static ControlPlaneMessages later(Supplier<? extends ControlPlaneMessages> messages) {
        Objects.requireNonNull(messages);
        return new ControlPlaneMessages() {
            @Override
            public void send(OutboundMessage message) {
                messages.get().send(message);
            }

            @Override
            public void answer(OutboundMessage answer, Runnable answered) {
                messages.get().answer(answer, answered);
            }
        };
    }
}
