package io.streamspace.agent.application.service.panel;

import io.streamspace.agent.application.port.in.QuerySessions;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ListedContainer;
import io.streamspace.agent.application.port.out.SessionRuntime.ResourceUsage;
import io.streamspace.agent.application.service.session.SessionLabels;
import io.streamspace.agent.application.service.session.SessionRegistry;
import io.streamspace.agent.domain.session.SessionState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * The sessions list of the status panel, read from the session runtime (the engine in legacy mode, the sidecar's
 * signed API in sidecar mode) plus what this process knows (reported states, last activity, running operation).
 * Usage is read in the background (at most every {@link #MAX_AGE}) and a listing shows the latest reading, so the
 * list never waits for the engine's stats; CPU in use is the rate between two readings. A read is reused for {@link #MAX_AGE} unless an event was
 * published (and no operation began or ended) since, so many dashboards cost the runtime (and the sidecar's rate
 * budget) two calls per period. A
 * standby replica lists nothing: only the leader touches the runtime.
 */
public final class SessionOverviewService implements QuerySessions {

    static final Duration MAX_AGE = Duration.ofSeconds(2);
    private static final System.Logger LOG = System.getLogger("StatusPanel");

    private final SessionRuntime runtime;
    private final Map<String, String> labels;
    private final SessionRegistry registry;
    private final SessionHistory history;
    private final AgentEventFeed feed;
    private final BooleanSupplier leading;
    private final String source;
    private final Clock clock;
    private final Executor background;
    private final Object usageLock = new Object();
    /** The latest reading per container and the CPU rate it gave; replaced by each background reading. */
    private Map<String, Reading> readings = Map.of();
    private boolean usageRunning;
    private long usageGeneration;
    private Instant usageStartedAt;
    private SessionList cached;
    private long cachedSequence = -1;
    private int cachedRecords;
    private long cachedGeneration;
    private Instant cachedAt;

    /**
     * @param labels   the labels every listed container carries (the agent's owner labels; the compose-agent lists
     *                 every managed container)
     * @param registry this process's session records; null where there are none (the compose-agent)
     * @param source   {@code engine} or {@code sidecar}
     * @param background where usage is read (the engine takes about a second per container), so a listing never
     *                 waits for it
     */
    public SessionOverviewService(SessionRuntime runtime, Map<String, String> labels, SessionRegistry registry,
                                  SessionHistory history, AgentEventFeed feed, BooleanSupplier leading, String source,
                                  Clock clock, Executor background) {
        this.background = Objects.requireNonNull(background);
        this.runtime = Objects.requireNonNull(runtime);
        this.labels = Map.copyOf(labels);
        this.registry = registry;
        this.history = Objects.requireNonNull(history);
        this.feed = Objects.requireNonNull(feed);
        this.leading = Objects.requireNonNull(leading);
        this.source = Objects.requireNonNull(source);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public synchronized SessionList sessions() {
        Instant now = clock.instant();
        if (!leading.getAsBoolean()) {
            synchronized (usageLock) {
                readings = Map.of();
            }
            cached = null;
            return new SessionList(source, "this replica is a standby: the leader lists the sessions", List.of(), now);
        }
        long sequence = feed.lastSequence();
        // what this process knows changes without an event too (an operation begins): then read again
        int records = registry == null ? 0 : new HashSet<>(registry.all()).hashCode();
        long generation;
        synchronized (usageLock) {
            generation = usageGeneration;
        }
        if (cached != null && cachedSequence == sequence && cachedRecords == records
                && cachedGeneration == generation && Duration.between(cachedAt, now).compareTo(MAX_AGE) < 0) {
            return cached;
        }
        SessionList list;
        try {
            list = read(now);
        } catch (RuntimeException e) {
            list = new SessionList(source, "cannot read the sessions: " + e.getMessage(), List.of(), now);
        }
        cached = list;
        cachedSequence = sequence;
        cachedRecords = records;
        cachedGeneration = generation;
        cachedAt = now;
        return list;
    }

    private SessionList read(Instant now) {
        // the engine's list alone (ADR 0026): an inspect of each container would wait for every start in flight
        List<ListedContainer> containers = runtime.listContainers(labels);
        if (containers.stream().anyMatch(ListedContainer::running)) {
            requestUsage(now);
        }
        Map<String, Reading> usage;
        synchronized (usageLock) {
            usage = readings;
        }
        Map<String, SessionRegistry.Snapshot> records = new HashMap<>();
        if (registry != null) {
            registry.all().forEach(s -> records.put(s.sessionId(), s));
        }
        List<SessionView> views = new ArrayList<>();
        for (ListedContainer c : containers) {
            Map<String, String> l = c.labels();
            String id = l.get(SessionLabels.SESSION_ID);
            if (id == null) {
                continue;
            }
            Reading reading = c.running() ? usage.get(c.name()) : null;
            SessionRegistry.Snapshot record = records.get(id);
            views.add(new SessionView(id, l.get(SessionLabels.USER), l.get(SessionLabels.TEMPLATE),
                    state(id, c, record), c.name(), c.id(), c.status(), c.image(),
                    SessionLabels.wholeNumber(l, SessionLabels.CPU_MILLIS),
                    SessionLabels.wholeNumber(l, SessionLabels.MEMORY_BYTES),
                    reading == null ? null : reading.cores(), reading == null ? null : reading.usage().memoryBytes(),
                    c.publishedPorts(), instantLabel(l),
                    record == null ? null : record.lastActivity(), record == null ? null : record.operation(),
                    history.of(id)));
        }
        // a start still creating its container: shown at once as pending, not only once the container exists
        Set<String> listed = new HashSet<>();
        views.forEach(v -> listed.add(v.sessionId()));
        for (SessionRegistry.Snapshot r : records.values()) {
            if (r.operation() != null && !listed.contains(r.sessionId())
                    && r.expected() != SessionState.TERMINATED) {
                views.add(new SessionView(r.sessionId(), null, null, history.latest(r.sessionId())
                        .map(QuerySessions.StateChange::state).orElse(SessionState.PENDING.wireName()), null, null,
                        null, null, 0, 0, null, null, Map.of(), r.startedAt(), r.lastActivity(), r.operation(),
                        history.of(r.sessionId())));
            }
        }
        views.sort(Comparator.comparing(SessionView::sessionId));
        return new SessionList(source, null, views, now);
    }

    /** One container's latest reading and the CPU rate since the one before (null after the first). */
    private record Reading(ResourceUsage usage, Double cores) {}

    /** Starts a usage reading in the background unless one runs or the latest began less than MAX_AGE ago. */
    private void requestUsage(Instant now) {
        synchronized (usageLock) {
            if (usageRunning || (usageStartedAt != null
                    && Duration.between(usageStartedAt, now).compareTo(MAX_AGE) < 0)) {
                return;
            }
            usageRunning = true;
            usageStartedAt = now;
        }
        try {
            background.execute(this::readUsage);
        } catch (RuntimeException e) {
            synchronized (usageLock) {
                usageRunning = false;
            }
        }
    }

    private void readUsage() {
        Map<String, ResourceUsage> fresh = Map.of();
        try {
            fresh = runtime.usage(labels);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Cannot read session usage: {0}", e.getMessage());
        } finally {
            synchronized (usageLock) {
                Map<String, Reading> next = new HashMap<>();
                Map<String, Reading> before = readings;
                fresh.forEach((name, u) -> {
                    Reading previous = before.get(name);
                    next.put(name, new Reading(u, cores(previous == null ? null : previous.usage(), u)));
                });
                readings = next;
                usageGeneration++;
                usageRunning = false;
            }
        }
    }

    /** Cores in use between two readings; null without an earlier reading or when the counter went back. */
    static Double cores(ResourceUsage before, ResourceUsage after) {
        if (before == null || after.readAt() == null || before.readAt() == null) {
            return null;
        }
        long wall = Duration.between(before.readAt(), after.readAt()).toNanos();
        long cpu = after.cpuTotalNanos() - before.cpuTotalNanos();
        if (wall <= 0 || cpu < 0) {
            return null;
        }
        return (double) cpu / wall;
    }

    private String state(String id, ListedContainer c, SessionRegistry.Snapshot record) {
        Optional<String> reported = history.latest(id).map(QuerySessions.StateChange::state);
        if (reported.isPresent()) {
            return reported.get();
        }
        if (record != null && record.expected() != null) {
            return record.expected().wireName();
        }
        return switch (c.status() == null ? "" : c.status()) {
            case "running" -> SessionState.RUNNING.wireName();
            case "paused", "exited" -> SessionState.HIBERNATED.wireName();
            case "created" -> SessionState.PENDING.wireName();
            default -> SessionState.FAILED.wireName();
        };
    }


    private static Instant instantLabel(Map<String, String> labels) {
        String value = labels.get(SessionLabels.STARTED_AT);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
