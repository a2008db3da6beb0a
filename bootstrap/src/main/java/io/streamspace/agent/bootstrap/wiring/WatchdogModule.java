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
import jakarta.inject.Named;
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

    /** The watchdog's own engine client (sidecar mode): only inspect, logs and restart of the sidecar container. */
    public static final String WATCHDOG = "watchdog";

    private WatchdogModule() {
    }

    /**
     * Sidecar mode's one way to the engine: the watchdog's {@link DockerContainerSupervision}, which can inspect,
     * read the logs of and restart the one sidecar container and nothing else (a socket proxy can enforce the
     * same). Few connections, short timeouts.
     */
    @Provides
    @Singleton
    @Named(WATCHDOG)
    static DockerClients watchdogClients(AgentConfiguration config) {
        return DockerClients.create(new DockerClients.Settings(config.dockerHost(), java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(60), 2));
    }

    @Provides
    @Singleton
    static Optional<SuperviseSidecar> watchdog(AgentConfiguration config,
                                               @Named(WATCHDOG) Provider<DockerClients> clients, Clock clock,
                                               AgentEventFeed events) {
        if (!config.composeAgentEnabled()) {
            return Optional.empty();
        }
        return Optional.of(new SidecarWatchdog(new DockerContainerSupervision(clients.get()),
                WatchdogSettings.forTarget(config.sidecarContainer()), clock,
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("watchdog").factory()),
                List.of(new WatchdogEvents(events))));
    }
}
