package io.streamspace.agent.application.service;

/** Told when a fresh connection to the control plane is up (after the first heartbeat and the queued results). */
@FunctionalInterface
public interface LinkListener {

    void onConnected();
}
