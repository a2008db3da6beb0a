package io.streamspace.agent.testkit.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.AgentConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the simulator knows: the CP "database" (agents, approvals, commands, sessions), the per-run
 * connection table and the recordings, plus the await methods over them.
 *
 * <p>One lock guards all of it. Classes of this package that make a compound decision (registration, connect,
 * liveness) hold {@link #lock} themselves and use the fields directly; every change is followed by
 * {@code lock.notifyAll()} so that the await methods wake up.
 */
final class SimulatorState {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneSimulator.LOGGER_NAME);

    /** Guards every field below; notified on every change so that the await methods wake up. */
    final Object lock = new Object();

    // the CP "database" (survives restart)
    final Map<String, AgentRow> agents = new LinkedHashMap<>();
    final Map<String, Approval> approvals = new HashMap<>();
    final Map<String, CommandRow> commands = new LinkedHashMap<>();
    final Map<String, SessionRow> sessions = new LinkedHashMap<>();

    // per run (reset by stop/restart)
    final Set<String> registeredSinceStart = new HashSet<>();
    final Map<String, AgentConnection> connections = new HashMap<>();

    // recordings (survive restart)
    final Map<String, List<ReceivedMessage>> received = new HashMap<>();
    final Map<String, List<String>> sent = new HashMap<>();
    final List<RecordedRegistration> registrations = new ArrayList<>();
    final Map<String, Integer> connectionCounts = new HashMap<>();

    SimulatorState(Map<String, String> initialAgents, Map<String, Approval> initialApprovals) {
        Instant now = Instant.now();
        initialAgents.forEach((id, key) -> agents.put(id, new AgentRow(id, key, now)));
        approvals.putAll(initialApprovals);
    }

    // ------------------------------------------------------------------------------------------ admin

    /** Forgets the run (connections, registrations since start); every agent becomes OFFLINE. */
    List<AgentConnection> resetRun() {
        synchronized (lock) {
            List<AgentConnection> open = new ArrayList<>(connections.values());
            connections.clear();
            registeredSinceStart.clear();
            agents.values().forEach(a -> a.status = AgentStatus.OFFLINE);
            lock.notifyAll();
            return open;
        }
    }

    void addAgent(String agentId, String apiKey) {
        synchronized (lock) {
            AgentRow row = agents.get(agentId);
            if (row == null) {
                agents.put(agentId, new AgentRow(agentId, apiKey, Instant.now()));
            } else {
                row.apiKey = apiKey;
            }
            lock.notifyAll();
        }
    }

    void setApproval(String agentId, Approval approval) {
        synchronized (lock) {
            approvals.put(agentId, approval);
            lock.notifyAll();
        }
    }

    // ------------------------------------------------------------------------------------------ queries

    List<ReceivedMessage> received(String agentId) {
        synchronized (lock) {
            return List.copyOf(received.getOrDefault(agentId, List.of()));
        }
    }

    List<String> sent(String agentId) {
        synchronized (lock) {
            return List.copyOf(sent.getOrDefault(agentId, List.of()));
        }
    }

    List<RecordedRegistration> registrations() {
        synchronized (lock) {
            return List.copyOf(registrations);
        }
    }

    boolean isConnected(String agentId) {
        synchronized (lock) {
            return connections.containsKey(agentId);
        }
    }

    int connectionCount(String agentId) {
        synchronized (lock) {
            return connectionCounts.getOrDefault(agentId, 0);
        }
    }

    AgentStatus agentStatus(String agentId) {
        synchronized (lock) {
            AgentRow row = agents.get(agentId);
            return row == null ? AgentStatus.UNKNOWN : row.status;
        }
    }

    CommandState commandState(String commandId) {
        synchronized (lock) {
            CommandRow row = commands.get(commandId);
            return row == null ? null : row.snapshot();
        }
    }

    SessionState sessionState(String sessionId) {
        synchronized (lock) {
            SessionRow row = sessions.get(sessionId);
            return row == null ? null : row.snapshot();
        }
    }

    Set<String> knownAgents() {
        synchronized (lock) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(agents.keySet()));
        }
    }

    /** The agent's current socket; {@link IllegalStateException} if it has none. */
    AgentConnection connection(String agentId) {
        synchronized (lock) {
            AgentConnection c = connections.get(agentId);
            if (c == null) {
                throw new IllegalStateException("agent " + agentId + " is not connected");
            }
            return c;
        }
    }

    // ------------------------------------------------------------------------------------------ awaiting

    List<ReceivedMessage> awaitMessages(String agentId, Predicate<ReceivedMessage> p, int count, Duration timeout) {
        return await(() -> {
            List<ReceivedMessage> hits = received.getOrDefault(agentId, List.of()).stream().filter(p).toList();
            return hits.size() >= count ? List.copyOf(hits.subList(0, count)) : null;
        }, timeout, () -> "expected " + count + " matching message(s) from " + agentId + " within " + timeout
                + "\n" + dump(agentId));
    }

    void awaitConnected(String agentId, Duration timeout) {
        await(() -> connections.containsKey(agentId) ? Boolean.TRUE : null, timeout,
                () -> agentId + " did not connect within " + timeout + "\n" + dump(agentId));
    }

    void awaitDisconnected(String agentId, Duration timeout) {
        await(() -> connections.containsKey(agentId) ? null : Boolean.TRUE, timeout,
                () -> agentId + " still connected after " + timeout + "\n" + dump(agentId));
    }

    void awaitAgentStatus(String agentId, AgentStatus status, Duration timeout) {
        await(() -> status == statusOf(agentId) ? Boolean.TRUE : null, timeout,
                () -> agentId + " is " + statusOf(agentId) + ", expected " + status + " within " + timeout
                        + "\n" + dump(agentId));
    }

    CommandState awaitCommandStatus(String commandId, CommandState.Status status, Duration timeout) {
        return await(() -> {
            CommandRow row = commands.get(commandId);
            return row != null && row.status == status ? row.snapshot() : null;
        }, timeout, () -> {
            CommandRow row = commands.get(commandId);
            return "command " + commandId + " is " + (row == null ? "unknown" : row.snapshot()) + ", expected "
                    + status + " within " + timeout + (row == null ? "" : "\n" + dump(row.agentId));
        });
    }

    SessionState awaitSessionState(String sessionId, String state, Duration timeout) {
        return await(() -> {
            SessionRow row = sessions.get(sessionId);
            return row != null && state.equals(row.state) ? row.snapshot() : null;
        }, timeout, () -> {
            SessionRow row = sessions.get(sessionId);
            return "session " + sessionId + " is " + (row == null ? "unknown" : row.snapshot()) + ", expected "
                    + state + " within " + timeout + (row == null ? "" : "\n" + dump(row.agentId));
        });
    }

    /** Polls {@code check} (under the lock) until non-null, waking on every state change. */
    private <T> T await(Supplier<T> check, Duration timeout, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                T value = check.get();
                if (value != null) {
                    return value;
                }
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    throw new AssertionError(failure.get());
                }
                try {
                    lock.wait(remainingMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting", e);
                }
            }
        }
    }

    private AgentStatus statusOf(String agentId) {
        AgentRow row = agents.get(agentId);
        return row == null ? AgentStatus.UNKNOWN : row.status;
    }

    /** Human-readable state of one agent, for assertion messages. Call with the lock held. */
    private String dump(String agentId) {
        StringBuilder sb = new StringBuilder();
        sb.append("agent ").append(agentId).append(": status=").append(statusOf(agentId))
                .append(", connected=").append(connections.containsKey(agentId))
                .append(", sockets=").append(connectionCounts.getOrDefault(agentId, 0))
                .append(", registeredSinceStart=").append(registeredSinceStart.contains(agentId)).append('\n');
        List<ReceivedMessage> msgs = received.getOrDefault(agentId, List.of());
        sb.append("received ").append(msgs.size()).append(" message(s):\n");
        for (ReceivedMessage m : msgs) {
            sb.append("  #").append(m.connectionNumber()).append(' ')
                    .append(m.accepted() ? "ACCEPTED " : "DROPPED (" + m.dropReason() + ") ")
                    .append(abbreviate(m.raw())).append('\n');
        }
        return sb.toString();
    }

    static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }

    // ------------------------------------------------------------------------------------------ recording

    /** A command row, PENDING, before the frame goes out. */
    void newCommand(String commandId, String agentId, String action, JsonNode payload) {
        synchronized (lock) {
            commands.put(commandId, new CommandRow(commandId, agentId, action, payload));
            lock.notifyAll();
        }
    }

    void commandFailed(String commandId, String error) {
        synchronized (lock) {
            commands.get(commandId).update(CommandState.Status.FAILED, error, null);
            lock.notifyAll();
        }
    }

    void recordSent(String agentId, String frameText) {
        synchronized (lock) {
            sent.computeIfAbsent(agentId, k -> new ArrayList<>()).add(frameText);
            lock.notifyAll();
        }
    }

    void recordRegistration(int status, String agentId, String reqBody, JsonNode respBody, boolean hadApiKey,
                            String ip) {
        synchronized (lock) {
            registrations.add(new RecordedRegistration(status, agentId, reqBody, respBody.toString(),
                    hadApiKey, ip, Instant.now()));
            lock.notifyAll();
        }
    }

    /** Makes {@code conn} the agent's current socket and numbers it; returns the socket it replaces, if any. */
    AgentConnection opened(AgentConnection conn) {
        synchronized (lock) {
            int n = connectionCounts.merge(conn.agentId, 1, Integer::sum);
            conn.number = n;
            AgentConnection old = connections.put(conn.agentId, conn);
            lock.notifyAll();
            return old;
        }
    }

    /** Records one decoded line of {@code conn} and applies it to the "database" if it was accepted. */
    void receivedLine(AgentConnection conn, String line, AgentMessageDecoder.Decoded d, Instant now) {
        synchronized (lock) {
            if (d.accepted()) {
                apply(conn.agentId, d, now);
            }
            received.computeIfAbsent(conn.agentId, k -> new ArrayList<>()).add(new ReceivedMessage(
                    conn.agentId, line, d.type(), d.payload(), d.accepted(), d.dropReason(), now, conn.number,
                    d.agentEpoch()));
            lock.notifyAll();
        }
    }

    /** Forgets {@code conn}; if it was the agent's current socket the agent becomes OFFLINE. */
    void closed(AgentConnection conn) {
        synchronized (lock) {
            boolean wasCurrent = connections.remove(conn.agentId, conn);
            if (wasCurrent) {
                AgentRow row = agents.get(conn.agentId);
                if (row != null) {
                    row.status = AgentStatus.OFFLINE;
                }
            }
            lock.notifyAll();
        }
    }

    /** Effect of an accepted message on the "database". Lock held. */
    private void apply(String agentId, AgentMessageDecoder.Decoded d, Instant now) {
        JsonNode p = d.payload();
        switch (d.type()) {
            case "heartbeat" -> {
                AgentRow row = agents.get(agentId);
                if (row != null) {
                    row.lastHeartbeat = now;
                    row.status = AgentStatus.ONLINE;
                    JsonNode cap = GoJson.get(p, "capacity");
                    if (cap != null && cap.isObject()) {
                        row.capacity = AgentRow.normalizedCapacity(cap);
                    }
                    row.updatedAt = now;
                }
            }
            case "ack" -> updateCommand(GoJson.string(p, "commandId"), CommandState.Status.ACKED, null, null);
            case "complete" -> updateCommand(GoJson.string(p, "commandId"), CommandState.Status.COMPLETED, null,
                    GoJson.get(p, "result"));
            case "failed" -> updateCommand(GoJson.string(p, "commandId"), CommandState.Status.FAILED,
                    GoJson.string(p, "error"), null);
            case "status" -> {
                String sessionId = GoJson.string(p, "sessionId");
                if (!sessionId.isEmpty()) {
                    sessions.computeIfAbsent(sessionId, SessionRow::new)
                            .update(agentId, GoJson.string(p, "state"), p, now);
                }
            }
            default -> {
                // vnc_ready, vnc_data, vnc_error, pong: recorded only
            }
        }
    }

    private void updateCommand(String commandId, CommandState.Status status, String error, JsonNode result) {
        CommandRow row = commands.get(commandId);
        if (row == null) {
            LOG.info("{} for unknown command {}", status, commandId);
            return;
        }
        row.update(status, error, result);
    }
}
