package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.util.List;

/**
 * Outcome messages that a replica holds but may not send, handed to whichever replica leads (ADR 0015). A leader
 * that fences itself while working on commands it already acknowledged still finishes them; their answers land in
 * its own outbox, which only a leader's link sends. The replica hands them over through the store that the leader
 * lock lives in, and the leader takes them into its own outbox, so every acknowledged command is answered once.
 */
public interface AnswerHandover {

    /** Stores {@code messages} durably, in order, behind what was handed over before. */
    void handOver(List<OutboundMessage> messages);

    /** Removes and returns the oldest handed-over messages (at most about {@code max}), in order. */
    List<OutboundMessage> take(int max);

    /** No store to hand over through (HA off, or a backend without one): a fenced replica keeps its answers. */
    static AnswerHandover none() {
        return new None();
    }

    /** The hand-over that has nowhere to put anything. */
    record None() implements AnswerHandover {
        @Override
        public void handOver(List<OutboundMessage> messages) {
            throw new UnsupportedOperationException("no hand-over store");
        }

        @Override
        public List<OutboundMessage> take(int max) {
            return List.of();
        }
    }
}
