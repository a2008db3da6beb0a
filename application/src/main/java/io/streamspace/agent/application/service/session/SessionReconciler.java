package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.port.out.CommandJournal;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.application.service.LinkListener;
import io.streamspace.agent.domain.session.SessionId;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import io.streamspace.agent.domain.session.SessionState;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * After every (re)connect, lists the agent's own session containers by their owner labels and sends a
 * {@code status} for each, so the control plane's view is repaired (it keeps no inventory of its own).
 *
 * <p>How a container maps to a state:
 * <ul>
 *   <li>running → {@code running} with the VNC port and platform metadata, {@code vncReady} from one look at the
 *       published VNC port, and {@code vnc_ready} only when it answered (later, once it does);</li>
 *   <li>paused → {@code hibernated} (pause mode);</li>
 *   <li>exited → {@code failed} when this agent saw it die on its own, or when its exit code or the engine's OOM
 *       kill says it crashed (also while no agent ran, see {@link #crashReason}); otherwise {@code hibernated}:
 *       session containers run with restart policy {@code unless-stopped}, so Docker restarts one that crashes
 *       and only an explicit stop (the agent's hibernate, or an operator) leaves it exited; a stopped session can
 *       be woken;</li>
 *   <li>restarting, dead → {@code failed} with the exit code;</li>
 *   <li>created (never started: the agent died between create and start) → removed and reported
 *       {@code failed}, so no orphan stays behind;</li>
 *   <li>a session with an operation in flight is skipped: that operation reports its own outcome;</li>
 *   <li>a session this agent ran whose container vanished → {@code failed}.</li>
 * </ul>
 *
 * <p>The first reconciliation of a process also answers the commands a previous process acknowledged and never
 * answered (it died: {@code kill -9}, power loss), from what the runtime shows now; see {@link #answerUnfinished}.
 * The control plane never re-sends a command, so without this such a command stays acknowledged forever and a
 * session whose container was not created yet would never get a {@code status}.
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
    private final CommandJournal journal;
    private final SessionVnc vnc;
    /** Sessions whose container the sweep found unknown to this agent, and since when (the creation grace). */
    private final Map<String, java.time.Instant> unknownSince = new HashMap<>();
    private volatile boolean reconciledOnce;
    private List<CommandJournal.Entry> unfinished;

    /** @param executor where reconciliation runs, so the link's thread is never blocked on the runtime */
    public SessionReconciler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                             ControlPlaneMessages messages, Clock clock, Executor executor) {
        this(runtime, settings, registry, messages, clock, executor, CommandJournal.none());
    }

    /** @param journal what a previous process acknowledged and never answered is answered by the first pass */
    public SessionReconciler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                             ControlPlaneMessages messages, Clock clock, Executor executor, CommandJournal journal) {
        this(runtime, settings, registry, messages, clock, executor, journal, SessionVnc.NONE);
    }

    /**
     * @param vnc a running session's {@code vncReady} is what its VNC port answers now; one that does not answer
     *            yet is watched on {@code executor} and gets {@code status running} with {@code vncReady} true and
     *            {@code vnc_ready} once it does
     */
    public SessionReconciler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                             ControlPlaneMessages messages, Clock clock, Executor executor, CommandJournal journal,
                             SessionVnc vnc) {
        this.vnc = java.util.Objects.requireNonNull(vnc, "vnc");
        this.journal = journal;
        this.unfinished = journal.unfinishedAtStart();
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
        Map<String, String> reported = new HashMap<>();
        Map<String, ContainerState> byId = new LinkedHashMap<>();
        int sent = 0;
        for (ContainerState c : containers) {
            String id = c.labels().get(SessionLabels.SESSION_ID);
            if (id == null || !SessionId.isValid(id) || !support.owned(c)) {
                continue;
            }
            seen.add(id);
            byId.put(id, c);
            if (registry.busy(id)) {
                continue;
            }
            reported.put(id, report(id, c));
            sent++;
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
        if (!unfinished.isEmpty()) {
            sent += answerUnfinished(unfinished, seen, byId, reported);
            unfinished = List.of();
        }
        LOG.log(Level.INFO, "Reconciled {0} session container(s); sent {1} status message(s)", containers.size(),
                sent);
        reconciledOnce = true;
        return sent;
    }

    /**
     * The periodic pass: finds session containers this agent knows nothing about although it reconciled (a
     * {@code create} that a previous process sent before it died and the engine finished after this one
     * reconciled; a container made by hand with the agent's labels). Once one has been seen unknown for
     * {@code grace} (a start of this process is never unknown: it is busy or expected), a never-started one is
     * removed and its session reported {@code failed}; any other is reported like a reconciliation would (adopted).
     * Does nothing before the first reconciliation. Returns how many statuses were sent.
     */
    public synchronized int sweep(java.time.Duration grace) {
        if (!reconciledOnce) {
            return 0;
        }
        java.time.Instant now = clock.instant();
        Set<String> unknownNow = new HashSet<>();
        int sent = 0;
        // The list alone, and a look only at a container that is to be acted on: inspecting every container on
        // every pass would cost one engine call per session and wait for each start in flight (ADR 0026).
        for (SessionRuntime.ListedContainer listed : runtime.listContainers(settings.ownerLabels())) {
            String id = listed.labels().get(SessionLabels.SESSION_ID);
            if (id == null || !SessionId.isValid(id) || !support.owned(listed.labels()) || registry.busy(id)
                    || registry.get(id).isPresent()) {
                continue;
            }
            unknownNow.add(id);
            java.time.Instant first = unknownSince.computeIfAbsent(id, k -> now);
            if (java.time.Duration.between(first, now).compareTo(grace) < 0) {
                continue;
            }
            ContainerState c = runtime.inspect(listed.name()).orElse(null);
            if (c == null || !support.owned(c) || registry.busy(id) || registry.get(id).isPresent()) {
                continue; // gone, or taken up by a command meanwhile
            }
            unknownSince.remove(id);
            if ("created".equals(c.status())) {
                LOG.log(Level.WARNING, "Container {0} of session {1} was created after this agent reconciled and never"
                        + " started (a start interrupted by an agent restart finished late); removing it", c.name(), id);
                // expected failed first, so the engine's destroy event is not taken for a removal behind our back
                registry.expect(id, SessionState.FAILED);
                try {
                    runtime.removeContainer(c.name(), settings.ownerLabels());
                } catch (RuntimeException e) {
                    registry.forget(id);
                    LOG.log(Level.WARNING, "Could not remove {0}: {1}", c.name(), e.getMessage());
                    continue; // seen again next pass
                }
                messages.send(SessionSupport.status(id, SessionState.FAILED, "container " + c.name()
                        + " appeared after the agent restarted (an interrupted start finished late) and was removed;"
                        + " start the session again"));
            } else {
                LOG.log(Level.WARNING, "Container {0} of session {1} appeared after this agent reconciled ({2});"
                        + " reporting it", c.name(), id, c.status());
                report(id, c);
            }
            sent++;
        }
        unknownSince.keySet().retainAll(unknownNow);
        return sent;
    }

    /**
     * Answers each command a previous process acknowledged and never answered, truthfully from the state just
     * reported: a start whose container runs is {@code complete}; any other start failed (what it left is removed,
     * {@code status failed} is sent when nothing was reported for the session); a stop whose container is gone is
     * {@code complete} with {@code status terminated}; a hibernate whose session is hibernated is {@code complete};
     * everything else is {@code failed} with the reason, so the control plane can send it again. Each answer goes to
     * the outbox, and the command leaves the journal before the answer can be sent (so a second restart does
     * not answer it again). Returns how many statuses were sent.
     */
    private int answerUnfinished(List<CommandJournal.Entry> entries, Set<String> seen, Map<String, ContainerState> byId,
                                 Map<String, String> reported) {
        int statuses = 0;
        for (CommandJournal.Entry entry : entries) {
            String id = entry.sessionId();
            String action = entry.action() == null ? "" : entry.action();
            String restarted = "the agent restarted while " + action + " was in progress";
            OutboundMessage answer;
            if (id == null || !SessionId.isValid(id)) {
                answer = new OutboundMessage.Failed(entry.commandId(), restarted);
            } else if (registry.busy(id)) {
                answer = new OutboundMessage.Failed(entry.commandId(), restarted
                        + "; a newer command for session " + id + " is running");
            } else {
                String state = reported.get(id);
                boolean exists = seen.contains(id) && !"created".equals(byId.get(id).status());
                switch (action) {
                    case StartSessionHandler.ACTION, WakeSessionHandler.ACTION -> {
                        if (SessionState.RUNNING.wireName().equals(state)) {
                            answer = new OutboundMessage.Complete(entry.commandId(),
                                    SessionSupport.result(id, SessionState.RUNNING, byId.get(id)));
                        } else {
                            String reason = restarted + "; session " + id + " is not running"
                                    + (action.equals(StartSessionHandler.ACTION) ? ", start it again" : "");
                            if (action.equals(StartSessionHandler.ACTION) && exists) {
                                removeLeftover(id);
                            }
                            if (!SessionState.FAILED.wireName().equals(state)
                                    && (state == null || action.equals(StartSessionHandler.ACTION))) {
                                registry.forget(id);
                                messages.send(SessionSupport.status(id, SessionState.FAILED, reason));
                                statuses++;
                            }
                            answer = new OutboundMessage.Failed(entry.commandId(), reason);
                        }
                    }
                    case StopSessionHandler.ACTION -> {
                        if (!exists) {
                            registry.terminated(id);
                            messages.send(SessionSupport.status(id, SessionState.TERMINATED, null));
                            statuses++;
                            answer = new OutboundMessage.Complete(entry.commandId(),
                                    SessionSupport.result(id, SessionState.TERMINATED, null));
                        } else {
                            answer = new OutboundMessage.Failed(entry.commandId(), restarted + "; session " + id
                                    + " still exists (" + state + "), stop it again");
                        }
                    }
                    case HibernateSessionHandler.ACTION -> answer = SessionState.HIBERNATED.wireName().equals(state)
                            ? new OutboundMessage.Complete(entry.commandId(),
                                    SessionSupport.result(id, SessionState.HIBERNATED, byId.get(id)))
                            : new OutboundMessage.Failed(entry.commandId(), restarted + "; session " + id + " is "
                                    + (state == null ? "gone" : state));
                    default -> answer = new OutboundMessage.Failed(entry.commandId(), restarted);
                }
            }
            LOG.log(Level.WARNING, "Command {0} ({1}, session {2}) was acknowledged before the agent restarted and"
                    + " never answered; answering {3}", entry.commandId(), action, id, answer.type());
            messages.answer(answer, () -> journal.end(entry.commandId()));
        }
        return statuses;
    }

    private void removeLeftover(String id) {
        String name = SessionSettings.containerName(id);
        try {
            runtime.removeContainer(name, settings.ownerLabels());
            LOG.log(Level.WARNING, "Removed {0}: its start was interrupted by an agent restart", name);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not remove {0} left by an interrupted start: {1}", name, e.getMessage());
        }
    }

    /** Sends the session's status; returns the state reported. */
    private String report(String id, ContainerState c) {
        String name = c.name();
        switch (c.status() == null ? "" : c.status()) {
            case "running" -> {
                registry.expect(id, SessionState.RUNNING);
                if (!registry.hasLimits(id)) {
                    SessionTimers.restoreLimits(registry, id, c.labels(), clock.instant());
                }
                boolean ready = vnc.readyNow(id, c);
                messages.send(support.running(id, c, null, ready));
                if (ready) {
                    messages.send(SessionSupport.vncReady(id, c));
                } else if (SessionSupport.vncPort(c).isPresent()) {
                    executor.execute(() -> announceWhenReady(id, c));
                }
                return SessionState.RUNNING.wireName();
            }
            case "paused" -> {
                registry.expect(id, SessionState.HIBERNATED);
                restoreLifetime(id, c);
                messages.send(SessionSupport.status(id, SessionState.HIBERNATED, null));
                return SessionState.HIBERNATED.wireName();
            }
            case "exited" -> {
                if (registry.expected(id).orElse(null) == SessionState.FAILED) {
                    messages.send(SessionSupport.status(id, SessionState.FAILED,
                            "container " + name + " exited with code " + c.exitCode()));
                    return SessionState.FAILED.wireName();
                }
                String crash = crashReason(name, c);
                if (crash != null) {
                    LOG.log(Level.WARNING, "Session {0}: {1}", id, crash);
                    registry.expect(id, SessionState.FAILED);
                    registry.release(id);
                    messages.send(SessionSupport.status(id, SessionState.FAILED, crash));
                    return SessionState.FAILED.wireName();
                }
                registry.expect(id, SessionState.HIBERNATED);
                restoreLifetime(id, c);
                messages.send(SessionSupport.status(id, SessionState.HIBERNATED, null));
                return SessionState.HIBERNATED.wireName();
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
                return SessionState.FAILED.wireName();
            }
            case "restarting" -> {
                registry.expect(id, SessionState.FAILED);
                messages.send(SessionSupport.status(id, SessionState.FAILED, "container " + name
                        + " keeps exiting (last exit code " + c.exitCode() + "); Docker is restarting it"));
                return SessionState.FAILED.wireName();
            }
            default -> {
                registry.expect(id, SessionState.FAILED);
                messages.send(SessionSupport.status(id, SessionState.FAILED, "container " + name + " is "
                        + c.status() + " (exit code " + c.exitCode() + ")"
                        + (c.error() == null || c.error().isBlank() ? "" : ": " + c.error())));
                return SessionState.FAILED.wireName();
            }
        }
    }

    /** A running session whose VNC port did not answer at reconciliation: tell the control plane once it does. */
    private void announceWhenReady(String id, ContainerState c) {
        try {
            if (vnc.awaitReady(id, c) && registry.expected(id).orElse(null) == SessionState.RUNNING
                    && !registry.busy(id)) {
                messages.send(support.running(id, c, null, true));
                messages.send(SessionSupport.vncReady(id, c));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Watching the VNC port of session {0} failed: {1}", id, e.toString());
        }
    }

    /**
     * Why an exited container crashed rather than being stopped, or null when it looks stopped. A stop (the agent's
     * hibernate, an operator's {@code docker stop}) ends the process with SIGTERM, or SIGKILL after the grace period:
     * exit code 0 (a process that handles SIGTERM), 143 or 137. Anything else, or the engine's OOM kill, happened
     * on its own, also while no agent was running (an engine that does not restart it: Podman after a reboot
     * without its restart service, a policy changed by hand). An application that exits with another code on
     * SIGTERM is reported failed too: the engine records nothing else that tells the two apart.
     */
    static String crashReason(String name, ContainerState c) {
        if (c.oomKilled()) {
            return "container " + name + " was killed for exceeding its memory limit (out of memory, exit code "
                    + c.exitCode() + ")";
        }
        if (c.exitCode() != 0 && c.exitCode() != 128 + 15 && c.exitCode() != 128 + 9) {
            return "container " + name + " exited on its own with code " + c.exitCode()
                    + (c.error() == null || c.error().isBlank() ? "" : ": " + c.error());
        }
        return null;
    }

    private void restoreLifetime(String id, ContainerState c) {
        if (!registry.hasLimits(id)) {
            SessionTimers.restoreLimits(registry, id, c.labels(), clock.instant());
        }
    }
}
