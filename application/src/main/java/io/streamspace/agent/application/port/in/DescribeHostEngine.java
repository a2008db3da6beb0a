package io.streamspace.agent.application.port.in;

import io.streamspace.agent.domain.host.EngineInfo;

/** The container engine's description of itself and its host. */
public interface DescribeHostEngine {

    EngineInfo info();
}
