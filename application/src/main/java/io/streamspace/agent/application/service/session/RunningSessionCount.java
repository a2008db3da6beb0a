package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.service.ActiveSessions;
import java.lang.System.Logger.Level;

/** The heartbeat's {@code activeSessions}: owned session containers that are running right now. */
public final class RunningSessionCount implements ActiveSessions {

    private static final System.Logger LOG = System.getLogger("DockerAgent");

    private final SessionRuntime runtime;
    private final SessionSettings settings;
    private volatile int last;

    public RunningSessionCount(SessionRuntime runtime, SessionSettings settings) {
        this.runtime = runtime;
        this.settings = settings;
    }

    @Override
    public int count() {
        try {
            last = (int) runtime.listContainers(settings.ownerLabels()).stream()
                    .filter(c -> c.labels().containsKey(SessionLabels.SESSION_ID))
                    .filter(SessionRuntime.ListedContainer::running)
                    .count();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot count running sessions ({0}); reporting the last count, {1}",
                    e.getMessage(), last);
        }
        return last;
    }
}
