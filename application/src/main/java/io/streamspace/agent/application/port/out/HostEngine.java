package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.host.EngineInfo;

/** The container engine's own description of itself and its host. */
public interface HostEngine {

    EngineInfo info();
}
