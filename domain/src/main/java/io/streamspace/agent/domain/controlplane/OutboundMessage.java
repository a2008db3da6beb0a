package io.streamspace.agent.domain.controlplane;

import java.util.Map;

/**
 * A message the agent sends to the control plane. Payload shapes and JSON types follow the real control
 * plane exactly (see docs/control-plane-protocol.md in the shared documents): the codec turns each record into
 * {@code {"type":..., "timestamp":"<RFC3339>", "payload":{...}}}.
 */
public sealed interface OutboundMessage {

    /** The wire {@code type}. */
    String type();

    /**
     * Whether this message records the outcome of a command or a session's state, so it must survive a link
     * outage (queued and sent after reconnect); heartbeats and tunnel bytes are worthless later.
     */
    default boolean mustDeliver() {
        return false;
    }

    /** The id of the command this message answers for good ({@code complete} or {@code failed}); null for others. */
    default String answeredCommandId() {
        return null;
    }

    record Heartbeat(String status, int activeSessions, AgentCapacity capacity, Map<String, Object> details)
            implements OutboundMessage {
        public String type() {
            return "heartbeat";
        }
    }

    record Ack(String commandId) implements OutboundMessage {
        public String type() {
            return "ack";
        }

        @Override
        public boolean mustDeliver() {
            return true;
        }
    }

    record Complete(String commandId, Map<String, Object> result) implements OutboundMessage {
        public String type() {
            return "complete";
        }

        @Override
        public String answeredCommandId() {
            return commandId;
        }

        @Override
        public boolean mustDeliver() {
            return true;
        }
    }

    record Failed(String commandId, String error) implements OutboundMessage {
        public String type() {
            return "failed";
        }

        @Override
        public String answeredCommandId() {
            return commandId;
        }

        @Override
        public boolean mustDeliver() {
            return true;
        }
    }

    /** The only message that changes a session's state in the control plane's database. */
    record SessionStatus(String sessionId, String state, Boolean vncReady, Integer vncPort,
                         Map<String, Object> platformMetadata, String message) implements OutboundMessage {
        public String type() {
            return "status";
        }

        @Override
        public boolean mustDeliver() {
            return true;
        }
    }

    record VncReady(String sessionId, int vncPort, String podName) implements OutboundMessage {
        public String type() {
            return "vnc_ready";
        }
    }

    record VncData(String sessionId, String base64Data) implements OutboundMessage {
        public String type() {
            return "vnc_data";
        }
    }

    record VncError(String sessionId, String error) implements OutboundMessage {
        public String type() {
            return "vnc_error";
        }
    }

    record Pong() implements OutboundMessage {
        public String type() {
            return "pong";
        }
    }
}
