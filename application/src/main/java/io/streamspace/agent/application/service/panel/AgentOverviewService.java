package io.streamspace.agent.application.service.panel;

import io.streamspace.agent.application.port.in.DescribeAgent;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.in.QuerySessions;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.service.secret.TokenRefresher;
import io.streamspace.agent.domain.capacity.CapacityLimits;
import io.streamspace.agent.domain.metrics.ActionCounts;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code /api/v1/agent}: identity, leadership, the control-plane link, the engine, capacity against the limits,
 * the sidecar watchdog, Vault and the command counts. The engine is described only while this replica leads (a
 * standby never touches it) and at most every {@link #ENGINE_MAX_AGE}.
 */
public final class AgentOverviewService implements DescribeAgent {

    static final Duration ENGINE_MAX_AGE = Duration.ofSeconds(30);
    /** Container states that hold their reservation (as capacity admission counts them). */
    private static final Set<String> HOLDING = Set.of("running", "paused", "restarting", "created");

    private final Identity identity;
    private final LeadershipView leadership;
    private final Supplier<Link> link;
    private final SessionRuntime runtime;
    private final String via;
    private final QuerySessions sessions;
    private final CapacityLimits limits;
    private final QueryAgentStatus status;
    private final TokenRefresher vault;
    private final Supplier<Map<String, ActionCounts>> panelActions;
    private final Clock clock;
    private Engine engine;
    private Instant engineReadAt;

    /**
     * @param leadership   null for a role without leadership (the compose-agent)
     * @param link         null for a role without a control-plane link
     * @param via          {@code docker} or {@code sidecar}: how {@code runtime} reaches the engine
     * @param limits       null when the role has none
     * @param vault        null when Vault is not used
     */
    public AgentOverviewService(Identity identity, LeadershipView leadership, Supplier<Link> link,
                                SessionRuntime runtime, String via, QuerySessions sessions, CapacityLimits limits,
                                QueryAgentStatus status, TokenRefresher vault,
                                Supplier<Map<String, ActionCounts>> panelActions, Clock clock) {
        this.identity = Objects.requireNonNull(identity);
        this.leadership = leadership;
        this.link = link;
        this.runtime = Objects.requireNonNull(runtime);
        this.via = Objects.requireNonNull(via);
        this.sessions = Objects.requireNonNull(sessions);
        this.limits = limits;
        this.status = Objects.requireNonNull(status);
        this.vault = vault;
        this.panelActions = Objects.requireNonNull(panelActions);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public AgentView describe() {
        Leadership lead = leadership == null ? new Leadership("none", null, null, null, 0) : leadership.current();
        boolean leading = leadership == null || leadership.leading();
        Link l = link == null ? new Link("none", null, null, 0, 0) : link.get();
        Map<String, Map<String, ActionCounts>> commands = new LinkedHashMap<>();
        status.commandMetrics().byPlaneAndAction().forEach((ControlPlaneTag plane, Map<String, ActionCounts> a) ->
                commands.put(plane.wireName(), a));
        return new AgentView(identity, lead, l, leading ? engine() : null, leading ? capacity() : null,
                status.sidecar().orElse(null), vault(), commands, panelActions.get());
    }

    private synchronized Engine engine() {
        Instant now = clock.instant();
        if (engine == null || engine.error() != null
                || Duration.between(engineReadAt, now).compareTo(ENGINE_MAX_AGE) >= 0) {
            try {
                SessionRuntime.RuntimeInfo info = runtime.info();
                engine = new Engine(info.engineVersion(), info.apiVersion(), info.operatingSystem(), via, null);
            } catch (RuntimeException e) {
                engine = new Engine(null, null, null, via, e.getMessage());
            }
            engineReadAt = now;
        }
        return engine;
    }

    private Capacity capacity() {
        QuerySessions.SessionList list = sessions.sessions();
        int count = 0;
        long cpu = 0;
        long memory = 0;
        for (QuerySessions.SessionView s : list.sessions()) {
            // a start still creating its container has no status yet (and Set.of refuses null lookups)
            if (s.containerStatus() != null && HOLDING.contains(s.containerStatus())) {
                count++;
                cpu += s.cpuRequestedMillis();
                memory += s.memoryRequestedBytes();
            }
        }
        return new Capacity(count, limits == null ? 0 : limits.maxSessions(), cpu,
                limits == null ? 0 : limits.maxCpuMillis(), memory, limits == null ? 0 : limits.maxMemoryBytes());
    }

    private Vault vault() {
        if (vault == null || !vault.usesSecretStore()) {
            return new Vault(false, null, null, null);
        }
        OptionalLong age = vault.tokenAgeSeconds(clock.instant());
        return new Vault(true, age.isPresent() ? age.getAsLong() : null, vault.lastRefreshOk(),
                vault.lastFailure().orElse(null));
    }
}
