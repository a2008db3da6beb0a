package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerEvent;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.domain.session.SessionId;
import io.streamspace.agent.domain.session.SessionState;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the runtime's container events into {@code status} messages for what happens to sessions on their own:
 * a session container that dies while the agent is not stopping, hibernating or starting it → {@code failed}
 * with the exit code (and "out of memory" after an {@code oom} event); one that Docker's restart policy (or an
 * operator) brings back → {@code running}; one removed behind the agent's back → {@code failed}.
 */
public final class SessionEventMonitor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("DockerAgent");
    private static final Set<SessionState> QUIET = Set.of(SessionState.HIBERNATING, SessionState.HIBERNATED,
            SessionState.TERMINATING, SessionState.TERMINATED);

    private final SessionSupport support;
    private final SessionRuntime runtime;
    private final SessionSettings settings;
    private final SessionRegistry registry;
    private final ControlPlaneMessages messages;
    private final Set<String> outOfMemory = ConcurrentHashMap.newKeySet();
    private volatile AutoCloseable watch;

    public SessionEventMonitor(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                               ControlPlaneMessages messages) {
        this.support = new SessionSupport(runtime, settings);
        this.runtime = runtime;
        this.settings = settings;
        this.registry = registry;
        this.messages = messages;
    }

    /** Follows the runtime's events for the agent's containers until closed. */
    public void start() {
        watch = runtime.watchContainers(settings.ownerLabels(), this::onEvent);
    }

    @Override
    public void close() {
        AutoCloseable w = watch;
        watch = null;
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "Closing the container event stream failed: {0}", e.toString());
            }
        }
    }

    /** Handles one event (public for the adapter tests and for replays). */
    public void onEvent(ContainerEvent event) {
        try {
            handle(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not handle container event " + event, e);
        }
    }

    private void handle(ContainerEvent event) {
        String id = event.labels() == null ? null : event.labels().get(SessionLabels.SESSION_ID);
        if (id == null || !SessionId.isValid(id)) {
            return;
        }
        String action = event.action() == null ? "" : event.action();
        if (action.equals("oom")) {
            outOfMemory.add(id);
            return;
        }
        if (registry.busy(id)) {
            if (action.equals("die")) {
                outOfMemory.remove(id);
                if (event.exitCode() >= 0) { // -1: the engine did not say
                    registry.exitedDuringOperation(id, event.exitCode());
                }
            }
            return; // the running operation reports the outcome (with this exit code when the engine hides it)
        }
        SessionState expected = registry.expected(id).orElse(null);
        switch (action) {
            case "die" -> {
                boolean oom = outOfMemory.remove(id);
                if (expected != null && QUIET.contains(expected)) {
                    return;
                }
                String reason = "session container " + event.containerName() + " exited on its own with code "
                        + event.exitCode() + (oom ? " (out of memory)" : "");
                LOG.log(Level.WARNING, "Session {0}: {1}", id, reason);
                registry.expect(id, SessionState.FAILED);
                // a dead container holds no capacity; if Docker restarts it, its running state counts it again
                registry.release(id);
                messages.send(SessionSupport.status(id, SessionState.FAILED, reason));
            }
            case "start" -> {
                if (expected == SessionState.RUNNING || (expected != null && QUIET.contains(expected)
                        && expected != SessionState.HIBERNATED)) {
                    return;
                }
                runtime.inspect(event.containerName()).filter(support::owned).filter(c -> c.running()).ifPresent(c -> {
                    LOG.log(Level.INFO, "Session {0} is running again ({1})", id,
                            expected == SessionState.FAILED ? "restarted by Docker" : "started outside the agent");
                    registry.expect(id, SessionState.RUNNING);
                    messages.send(support.running(id, c, null));
                });
            }
            case "destroy" -> {
                if (expected == SessionState.TERMINATED || expected == SessionState.TERMINATING
                        || expected == SessionState.FAILED) {
                    registry.forget(id);
                    return;
                }
                registry.forget(id);
                messages.send(SessionSupport.status(id, SessionState.FAILED,
                        "session container " + event.containerName() + " was removed outside the agent"));
            }
            default -> {
                // pause, unpause, kill, stop: the die/start that follow (or the agent's own operation) tell.
            }
        }
    }
}
