/**
 * A strict simulator of the StreamSpace control plane (CP) for agent tests: {@link
 * io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator}.
 *
 * <p>It follows {@code docs/control-plane-protocol.md}. Choices where the protocol document is silent:
 * <ul>
 *   <li>Register checks run in this order: rate limit (429), missing key (401), key format (401), body (400),
 *       bootstrap-key flow (202/200/403), unknown agent (404), key mismatch (403).</li>
 *   <li>Connect checks: rate limit, key presence/format, {@code agent_id} (missing or failing the CP's input
 *       filter: 400), unknown agent (404), bootstrap key of an agent that is not approved (403), key mismatch
 *       (403), not registered since start/restart (404).</li>
 *   <li>Agent messages are decoded like Go's {@code encoding/json}: case-insensitive field names, {@code null}
 *       and unknown fields allowed, wrong JSON kinds drop the message. A missing or {@code null} timestamp is
 *       accepted (Go leaves the zero time); a missing/non-object payload of a known type, an unknown type and
 *       a missing type are dropped (recorded with a reason). {@code pong} is a known type without effect.</li>
 *   <li>A socket is closed without a close handshake (like gorilla's {@code conn.Close()}) when replaced by a
 *       newer one, on liveness timeout, on read-deadline expiry (no pong for 60 s), on {@link
 *       io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator#dropConnection}, stop and restart.</li>
 *   <li>When the agent's current socket closes, its status becomes OFFLINE; a later accepted heartbeat or
 *       registration makes it ONLINE again.</li>
 *   <li>Timestamps sent use Go's RFC3339Nano layout in the configured offset; the simulator keeps the last
 *       fraction digit non-zero so all nine digits are always present.</li>
 * </ul>
 */
package io.streamspace.agent.testkit.controlplane;
