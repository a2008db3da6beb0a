package io.streamspace.agent.application.service.panel;

import io.streamspace.agent.application.port.in.QuerySessions.StateChange;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The states each session entered, as this process reported them to the control plane: the newest
 * {@value #PER_SESSION} per session, for at most {@value #SESSIONS} sessions (the least recently changed are
 * forgotten first). Lost on restart, like the registry. Thread-safe.
 */
public final class SessionHistory {

    static final int PER_SESSION = 20;
    static final int SESSIONS = 2_000;

    private final Map<String, ArrayDeque<StateChange>> sessions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<StateChange>> eldest) {
            return size() > SESSIONS;
        }
    };

    /**
     * Records a state; returns whether it differs from the session's previous one (a repeated {@code status} is
     * kept out of the history).
     */
    public synchronized boolean record(String sessionId, String state, String message, Instant at) {
        ArrayDeque<StateChange> changes = sessions.computeIfAbsent(sessionId, k -> new ArrayDeque<>());
        StateChange last = changes.peekLast();
        if (last != null && last.state().equals(state)) {
            return false;
        }
        changes.addLast(new StateChange(at, state, message));
        while (changes.size() > PER_SESSION) {
            changes.removeFirst();
        }
        return true;
    }

    public synchronized List<StateChange> of(String sessionId) {
        ArrayDeque<StateChange> changes = sessions.get(sessionId);
        return changes == null ? List.of() : List.copyOf(changes);
    }

    public synchronized Optional<StateChange> latest(String sessionId) {
        ArrayDeque<StateChange> changes = sessions.get(sessionId);
        return Optional.ofNullable(changes == null ? null : changes.peekLast());
    }
}
