package io.streamspace.agent.adapter.host;

import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.nio.charset.StandardCharsets;

/**
 * The outbox's storage format for one message as a line of text (without a newline), for stores outside this
 * module that keep results, such as the Redis hand-over list (ADR 0015). Same format as the outbox's journal.
 */
public final class OutboxLines {

    private final JournalCodec codec = new JournalCodec();

    /** One line of JSON, no newline. */
    public String encode(OutboundMessage message) {
        byte[] line = codec.encode(message);
        return new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
    }

    /** Decodes a line written by {@link #encode}; throws {@link IllegalArgumentException} if it is not one. */
    public OutboundMessage decode(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return codec.decode(bytes, 0, bytes.length);
    }
}
