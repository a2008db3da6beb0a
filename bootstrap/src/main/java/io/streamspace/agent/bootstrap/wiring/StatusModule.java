package io.streamspace.agent.bootstrap.wiring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.streamspace.agent.adapter.host.ProcHostMetrics;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.in.SuperviseSidecar;
import io.streamspace.agent.application.port.out.HostMetrics;
import io.streamspace.agent.application.service.metrics.AgentStatusService;
import io.streamspace.agent.application.service.metrics.CommandMetricsRecorder;
import io.streamspace.agent.application.service.metrics.CommandOutcomeListener;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.bootstrap.config.AgentVersion;
import io.streamspace.agent.domain.metrics.CommandMetrics;
import io.streamspace.agent.application.service.secret.TokenRefresher;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Command execution metrics (fed by the command router) and the status API that serves them, with the sidecar
 * watchdog's state in sidecar mode.
 */
@Module
public abstract class StatusModule {

    private StatusModule() {
    }

    @Binds
    abstract CommandOutcomeListener commandOutcomes(CommandMetricsRecorder recorder);

    @Binds
    abstract QueryAgentStatus queryStatus(AgentStatusService service);

    @Provides
    @Singleton
    static CommandMetricsRecorder commandMetrics(AgentConfiguration config, Clock clock) {
        return new CommandMetricsRecorder(config.controlPlane(), new CommandMetrics(), clock);
    }

    @Provides
    @Singleton
    static HostMetrics hostMetrics() {
        return ProcHostMetrics.system();
    }

    @Provides
    @Singleton
    static AgentStatusService status(CommandMetricsRecorder metrics, HostMetrics host, AgentConfiguration config,
                                     TokenRefresher tokens, Clock clock, Optional<SuperviseSidecar> watchdog,
                                     EngineIdentity engine) {
        // What this build really offers; compose, logs, restart and mcp arrive with the sidecar.
        List<String> features = new ArrayList<>(List.of("docker", "sessions", "vnc", "monitoring", "metrics"));
        if (config.enableHa()) {
            features.add("ha");
        }
        return new AgentStatusService(metrics, host, new QueryAgentStatus.Capabilities(config.composeAgentEnabled(),
                config.controlPlane(), AgentVersion.current(), features), tokens, clock, watchdog, engine::runtime);
    }

    @Provides
    @Singleton
    static StatusApi statusApi(AgentConfiguration config, QueryAgentStatus status, ObjectMapper json) {
        return new StatusApi(config.statusPort(), status, json);
    }
}
