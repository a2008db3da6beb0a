package io.streamspace.agent.bootstrap.wiring;

import dagger.Module;
import dagger.Provides;
import io.streamspace.agent.adapter.docker.swarm.SwarmLeaderLock;
import io.streamspace.agent.adapter.host.FileAnswerHandover;
import io.streamspace.agent.adapter.host.FileLeaderLock;
import io.streamspace.agent.adapter.redis.RedisLeaderLock;
import io.streamspace.agent.application.port.in.LeadAgent;
import io.streamspace.agent.application.port.out.AnswerHandover;
import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.service.ControlPlaneLinkService;
import io.streamspace.agent.application.service.election.ElectionSettings;
import io.streamspace.agent.application.service.election.LeaderElectionService;
import io.streamspace.agent.application.service.panel.LeadershipView;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Leader election between replicas with the same agent id ({@code --enable-ha}). Only built when HA is on: a
 * single agent never opens a lock.
 */
@Module
public final class HighAvailabilityModule {

    private HighAvailabilityModule() {
    }

    @Provides
    @Singleton
    static LeaderLock leaderLock(AgentConfiguration config) {
        String agentId = config.agentId().value();
        return switch (config.leaderElectionBackend()) {
            case "redis" -> new RedisLeaderLock(config.redisUrl(), agentId, config.leaseTiming());
            case "file" -> FileLeaderLock.open(config.lockFilePath(), agentId);
            // refuses at once, with the way out, on a worker node or outside a swarm
            case "swarm" -> SwarmLeaderLock.open(config.dockerHost(), config.swarmService(), agentId,
                    config.leaseTiming());
            default -> throw new IllegalStateException("leader election backend '" + config.leaderElectionBackend()
                    + "' is not available in this version");
        };
    }

    /**
     * Where a replica that no longer leads puts the results it still holds, for the leader to send (ADR 0015): the
     * store the lock lives in. The swarm backend has none: a fenced replica there keeps its results until it leads.
     */
    @Provides
    @Singleton
    static AnswerHandover answerHandover(LeaderLock lock, AgentConfiguration config) {
        return switch (lock) {
            case RedisLeaderLock redis -> new RedisAnswerHandover(redis);
            case FileLeaderLock file -> FileAnswerHandover.beside(config.lockFilePath());
            default -> AnswerHandover.none();
        };
    }

    /**
     * One link serves every term: it is prepared for a new term when leadership is acquired (see
     * {@link LeadershipActivities}), before the election service starts serving it.
     */
    @Provides
    @Singleton
    static LeadAgent leadAgent(LeaderLock lock, AgentConfiguration config, ControlPlaneLinkService link,
                               LeadershipActivities activities, LeadershipView view) {
        return new LeaderElectionService(lock, new ElectionSettings(config.agentId().value(), config.instanceId(),
                config.leaseTiming()), () -> link, List.of(activities, view));
    }
}
