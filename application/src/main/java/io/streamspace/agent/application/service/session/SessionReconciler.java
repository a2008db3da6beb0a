package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.application.service.LinkListener;
import io.streamspace.agent.domain.session.SessionId;
import io.streamspace.agent.domain.session.SessionState;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * After every (re)connect, lists the agent's own session containers by their owner labels and sends a
 * {@code status} for each, so the control plane's view is repaired (it keeps no inventory of its own).
 *
 * <p>How a container maps to a state:
 * <ul>
 *   <li>running → {@code running} with the VNC port and platform metadata;</li>
 *   <li>paused → {@code hibernated} (pause mode);</li>
 *   <li>exited → {@code failed} when this agent saw it die on its own, otherwise {@code hibernated}: session
 *       containers run with restart policy {@code unless-stopped}, so Docker restarts one that crashes and only
 *       an explicit stop (the agent's hibernate, or an operator) leaves it exited; a stopped session can be
 *       woken;</li>
 *   <li>restarting, dead → {@code failed} with the exit code;</li>
 *   <li>created (never started: the agent died between create and start) → removed and reported
 *       {@code failed}, so no orphan stays behind;</li>
 *   <li>a session with an operation in flight is skipped: that operation reports its own outcome;</li>
 *   <li>a session this agent ran whose container vanished → {@code failed}.</li>
 * </ul>
 */
public final class SessionReconciler implements LinkListener {

    private static final System.Logger LOG = System.getLogger("DockerAgent");

    private final SessionSupport support;
    private final SessionRuntime runtime;
    private final SessionSettings settings;
    private final SessionRegistry registry;
    private final ControlPlaneMessages messages;
    private final Clock clock;
    private final Executor executor;

    /** @param executor where reconciliation runs, so the link's thread is never blocked on the runtime */
    public SessionReconciler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                             ControlPlaneMessages messages, Clock clock, Executor executor) {
        this.support = new SessionSupport(runtime, settings);
        this.runtime = runtime;
        this.settings = settings;
        this.registry = registry;
        this.messages = messages;
        this.clock = clock;
        this.executor = executor;
    }

    @Override
    public void onConnected() {
        executor.execute(() -> {
            try {
                reconcileNow();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Reconciling sessions failed", e);
            }
        });
    }

    /** Reports every managed session once; returns how many statuses were sent. */
    public synchronized int reconcileNow() {
        List<ContainerState> containers = runtime.findContainers(settings.ownerLabels());
        Set<String> seen = new HashSet<>();
        int sent = 0;
        for (ContainerState c : containers) {
            String id = c.labels().get(SessionLabels.SESSION_ID);
            if (id == null || !SessionId.isValid(id) || !support.owned(c)) {
                continue;
            }
            seen.add(id);
            if (registry.busy(id)) {
                continue;
            }
            if (report(id, c)) {
                sent++;
            }
        }
        for (SessionRegistry.Snapshot s : registry.all()) {
            if (seen.contains(s.sessionId()) || s.operation() != null) {
                continue;
            }
            if (s.expected() == SessionState.RUNNING || s.expected() == SessionState.HIBERNATED) {
                String name = SessionSettings.containerName(s.sessionId());
                registry.forget(s.sessionId());
                messages.send(SessionSupport.status(s.sessionId(), SessionState.FAILED,
                        "container " + name + " no longer exists"));
                sent++;
            } else if (s.expected() == SessionState.TERMINATED || s.expected() == SessionState.FAILED) {
                registry.forget(s.sessionId());
            }
        }
        LOG.log(Level.INFO, "Reconciled {0} session container(s); sent {1} status message(s)", containers.size(),
                sent);
        return sent;
    }

    private boolean report(String id, ContainerState c) {
        String name = c.name();
        switch (c.status() == null ? "" : c.status()) {
            case "running" -> {
                registry.expect(id, SessionState.RUNNING);
                if (!registry.hasLimits(id)) {
                    SessionTimers.restoreLimits(registry, id, c.labels(), clock.instant());
                }
                messages.send(support.running(id, c, null));
            }
            case "paused" -> {
                registry.expect(id, SessionState.HIBERNATED);
                restoreLifetime(id, c);
                messages.send(SessionSupport.status(id, SessionState.HIBERNATED, null));
            }
            case "exited" -> {
                if (registry.expected(id).orElse(null) == SessionState.FAILED) {
                    messages.send(SessionSupport.status(id, SessionState.FAILED,
                            "container " + name + " exited with code " + c.exitCode()));
                } else {
                    registry.expect(id, SessionState.HIBERNATED);
                    restoreLifetime(id, c);
                    messages.send(SessionSupport.status(id, SessionState.HIBERNATED, null));
                }
            }
            case "created" -> {
                LOG.log(Level.WARNING, "Container {0} was created but never started (the agent stopped mid-start);"
                        + " removing it", name);
                try {
                    runtime.removeContainer(name, settings.ownerLabels());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Could not remove {0}: {1}", name, e.getMessage());
                }
                registry.forget(id);
                messages.send(SessionSupport.status(id, SessionState.FAILED,
                        "the agent restarted while starting this session; its container was removed"));
            }
            case "restarting" -> {
                registry.expect(id, SessionState.FAILED);
                messages.send(SessionSupport.status(id, SessionState.FAILED, "container " + name
                        + " keeps exiting (last exit code " + c.exitCode() + "); Docker is restarting it"));
            }
            default -> {
                registry.expect(id, SessionState.FAILED);
                messages.send(SessionSupport.status(id, SessionState.FAILED, "container " + name + " is "
                        + c.status() + " (exit code " + c.exitCode() + ")"
                        + (c.error() == null || c.error().isBlank() ? "" : ": " + c.error())));
            }
        }
        return true;
    }

    private void restoreLifetime(String id, ContainerState c) {
        if (!registry.hasLimits(id)) {
            SessionTimers.restoreLimits(registry, id, c.labels(), clock.instant());
        }
    }
}
