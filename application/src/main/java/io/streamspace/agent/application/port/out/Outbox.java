package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.util.List;

/**
 * Durable, bounded, ordered store of results (status/complete/failed/ack) waiting for the control-plane link.
 * Survives a crash of the agent: what was appended before {@code kill -9} is still there after a restart.
 */
public interface Outbox {

    /** Stores the message durably before returning. When full, the oldest message is dropped (and logged). */
    void append(OutboundMessage message);

    /** The oldest {@code max} messages, in append order, without removing them. */
    List<OutboundMessage> peek(int max);

    /** Removes the oldest {@code count} messages (after they were sent). */
    void remove(int count);

    int size();
}
