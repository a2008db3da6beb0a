package io.streamspace.agent.domain.controlplane;

import java.util.Map;

/** A message the control plane sent to the agent, already split out of its frame and decoded. */
public sealed interface InboundMessage {

    /** {@code command}: an action for the agent; {@code payload} is the action's JSON object as plain maps. */
    record Command(String commandId, String action, Map<String, Object> payload) implements InboundMessage {}

    /** {@code vnc_data}: bytes (base64) from the user's viewer for a session's VNC port. */
    record VncData(String sessionId, String base64Data) implements InboundMessage {}

    /** {@code vnc_close}: the viewer went away. */
    record VncClose(String sessionId, String reason) implements InboundMessage {}

    /** {@code ping}: answered with {@code pong}. */
    record Ping() implements InboundMessage {}

    /** {@code shutdown}: the control plane asks for a graceful stop. */
    record Shutdown() implements InboundMessage {}

    /** A type this agent does not know; ignored. */
    record Unknown(String type) implements InboundMessage {}
}
