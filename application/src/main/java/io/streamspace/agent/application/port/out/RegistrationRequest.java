package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.controlplane.AgentCapacity;
import java.util.Map;

/** The body of {@code POST /api/v1/agents/register}. */
public record RegistrationRequest(String agentId, String platform, String region, AgentCapacity capacity,
                                  Map<String, Object> metadata) {}
