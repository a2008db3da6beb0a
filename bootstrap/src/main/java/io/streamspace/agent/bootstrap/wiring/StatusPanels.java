package io.streamspace.agent.bootstrap.wiring;

import io.streamspace.agent.adapter.host.FileTokenSource;
import io.streamspace.agent.adapter.http.StatusAccess;
import io.streamspace.agent.adapter.http.StatusPanel;
import io.streamspace.agent.application.port.in.DescribeAgent;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.out.SecretStore;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.TokenSource;
import io.streamspace.agent.application.service.panel.AgentEventFeed;
import io.streamspace.agent.application.service.panel.AgentOverviewService;
import io.streamspace.agent.application.service.panel.SessionHistory;
import io.streamspace.agent.application.service.panel.SessionOverviewService;
import io.streamspace.agent.application.service.session.SessionLabels;
import io.streamspace.agent.bootstrap.config.AgentVersion;
import io.streamspace.agent.bootstrap.config.StatusPanelSettings;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The status panel's access rules from the settings, and the compose-agent role's panel. */
public final class StatusPanels {

    private StatusPanels() {
    }

    /**
     * The tokens of the settings (a file is re-read on every request, a Vault key refreshed every minute), or open
     * access when none is set.
     *
     * @param vault opens the Vault store; asked only when a Vault key is set
     */
    public static StatusAccess access(StatusPanelSettings settings, Supplier<SecretStore> vault, Clock clock) {
        Supplier<Optional<String>> read = tokens(settings.token(), settings.tokenFile(), settings.tokenVaultKey(),
                "the status token", vault, clock);
        Supplier<Optional<String>> write = tokens(settings.writeToken(), settings.writeTokenFile(),
                settings.writeTokenVaultKey(), "the status write token", vault, clock);
        return read == null && write == null ? StatusAccess.open() : StatusAccess.withTokens(read, write);
    }

    private static Supplier<Optional<String>> tokens(String value, Path file, String vaultKey, String what,
                                                     Supplier<SecretStore> vault, Clock clock) {
        if (vaultKey != null) {
            TokenSource source = VaultModule.composeAgentTokens(vault.get(), vaultKey, clock);
            return () -> source.tokenFor("status-panel");
        }
        if (file != null) {
            FileTokenSource source = new FileTokenSource(file, what);
            return () -> source.tokenFor("status-panel");
        }
        if (value != null) {
            Optional<String> fixed = Optional.of(value);
            return () -> fixed;
        }
        return null;
    }

    /**
     * The compose-agent's panel: every managed session container on its engine (of every agent it serves), its
     * identity and command counts; no leadership, link or actions (the agent's panel has those).
     */
    public static StatusPanel forComposeAgent(SessionRuntime runtime, QueryAgentStatus status,
                                              StatusPanelSettings settings, ControlPlaneTag plane,
                                              Supplier<SecretStore> vault, Clock clock) {
        AgentEventFeed feed = new AgentEventFeed(clock);
        SessionOverviewService sessions = new SessionOverviewService(runtime,
                Map.of(SessionLabels.MANAGED, "true"), null, new SessionHistory(), feed, () -> true, "engine", clock,
                work -> Thread.ofVirtual().name("session-usage").start(work));
        DescribeAgent.Identity identity = new DescribeAgent.Identity("compose-agent", AgentVersion.current(), "docker",
                null, "compose_agent", plane.wireName(), "sidecar", null, clock.instant());
        AgentOverviewService agent = new AgentOverviewService(identity, null, null, runtime, "docker", sessions, null,
                status, null, Map::of, clock);
        return new StatusPanel(sessions, agent, feed, null, access(settings, vault, clock));
    }
}
