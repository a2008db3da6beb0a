package io.streamspace.agent.bootstrap.wiring;

import dagger.Module;
import dagger.Provides;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.supervision.DockerContainerSupervision;
import io.streamspace.agent.application.port.in.SuperviseSidecar;
import io.streamspace.agent.application.service.panel.AgentEventFeed;
import io.streamspace.agent.application.service.panel.WatchdogEvents;
import io.streamspace.agent.application.service.watchdog.SidecarWatchdog;
import io.streamspace.agent.application.service.watchdog.WatchdogSettings;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The sidecar watchdog: present whenever sidecar mode is on (upstream never started theirs). It only inspects,
 * reads logs of and restarts the compose-agent container.
 */
@Module
public final class WatchdogModule {

    private WatchdogModule() {
    }

    @Provides
    @Singleton
    static Optional<SuperviseSidecar> watchdog(AgentConfiguration config, Provider<DockerClients> clients,
                                               Clock clock, AgentEventFeed events) {
        if (!config.composeAgentEnabled()) {
            return Optional.empty();
        }
        return Optional.of(new SidecarWatchdog(new DockerContainerSupervision(clients.get()),
                WatchdogSettings.forTarget(config.sidecarContainer()), clock,
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("watchdog").factory()),
                List.of(new WatchdogEvents(events))));
    }
}
