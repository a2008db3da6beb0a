package io.streamspace.agent.application.service;

import io.streamspace.agent.domain.controlplane.OutboundMessage;

/**
 * What command handlers use to talk back to the control plane. Messages that must be delivered
 * ({@link OutboundMessage#mustDeliver()}) are kept while the link is down and sent, in order, after reconnect.
 */
public interface ControlPlaneMessages {

    void send(OutboundMessage message);
}
