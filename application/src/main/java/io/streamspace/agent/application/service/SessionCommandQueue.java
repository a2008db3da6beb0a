package io.streamspace.agent.application.service;

import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.session.SessionId;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs command work so that everything for one session happens strictly in arrival order (a stop that arrives
 * during its start waits, then wins), different sessions run in parallel, and at most {@code maxParallelStarts}
 * starts run their engine work at once (parallel container starts slow each other down sharply; a start gives its
 * permit back once its container is started, {@link StartPermit}). Work without a valid
 * {@code payload.sessionId} runs unordered. Also an {@link Executor} for such work, so it can be handed to
 * {@link CommandRouter} wherever an executor is expected.
 */
public final class SessionCommandQueue implements CommandScheduler, Executor {

    private static final System.Logger LOG = System.getLogger("DockerAgent");
    /** Actions that hold a start permit while they run. */
    private static final Set<String> STARTS = Set.of("start_session", "wake_session");

    private final Executor workers;
    private final Semaphore startPermits;
    private final Map<String, ArrayDeque<Runnable>> lanes = new HashMap<>();
    /** Tasks accepted and not finished yet, for a graceful shutdown. */
    private int inFlight;

    /**
     * @param workers runs the lanes; blocking Docker calls, so one virtual thread per task is the intended choice
     */
    public SessionCommandQueue(Executor workers, int maxParallelStarts) {
        if (maxParallelStarts <= 0) {
            throw new IllegalArgumentException("maxParallelStarts must be positive");
        }
        this.workers = workers;
        this.startPermits = new Semaphore(maxParallelStarts, true);
    }

    @Override
    public void schedule(InboundMessage.Command command, Runnable work) {
        work = counted(work);
        Object raw = command.payload() == null ? null : command.payload().get("sessionId");
        String sessionId = raw instanceof String s && SessionId.isValid(s) ? s : null;
        boolean start = STARTS.contains(command.action());
        if (sessionId == null) {
            workers.execute(start ? bounded(work) : work);
        } else {
            enqueue(sessionId, start, work);
        }
    }

    /** Queues work for a session behind everything already queued for it (also for the agent's own timers). */
    public void submit(String sessionId, boolean start, Runnable work) {
        enqueue(sessionId, start, counted(work));
    }

    private void enqueue(String sessionId, boolean start, Runnable work) {
        Runnable task = start ? bounded(work) : work;
        boolean first;
        synchronized (lanes) {
            ArrayDeque<Runnable> lane = lanes.computeIfAbsent(sessionId, k -> new ArrayDeque<>());
            lane.addLast(task);
            first = lane.size() == 1;
        }
        if (first) {
            workers.execute(() -> drain(sessionId));
        }
    }

    @Override
    public void execute(Runnable work) {
        workers.execute(counted(work));
    }

    /**
     * Waits until every accepted task has finished, at most {@code timeout}.
     *
     * @return whether the queue is idle
     */
    public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lanes) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lanes, left);
            }
            return true;
        }
    }

    /** Tasks accepted and not finished yet. */
    public int inFlight() {
        synchronized (lanes) {
            return inFlight;
        }
    }

    private Runnable counted(Runnable work) {
        synchronized (lanes) {
            inFlight++;
        }
        return () -> {
            try {
                work.run();
            } finally {
                synchronized (lanes) {
                    inFlight--;
                    lanes.notifyAll();
                }
            }
        };
    }

    /** How many tasks of this session are queued or running. */
    public int pending(String sessionId) {
        synchronized (lanes) {
            ArrayDeque<Runnable> lane = lanes.get(sessionId);
            return lane == null ? 0 : lane.size();
        }
    }

    private void drain(String sessionId) {
        while (true) {
            Runnable next;
            synchronized (lanes) {
                next = lanes.get(sessionId).peekFirst();
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "Work for session " + sessionId + " crashed", e);
            }
            synchronized (lanes) {
                ArrayDeque<Runnable> lane = lanes.get(sessionId);
                lane.pollFirst();
                if (lane.isEmpty()) {
                    lanes.remove(sessionId);
                    return;
                }
            }
        }
    }

    private Runnable bounded(Runnable work) {
        return () -> {
            try {
                startPermits.acquire();
            } catch (InterruptedException e) {
                // Shutting down: run anyway with the flag set, so the handler fails fast and the command is answered.
                Thread.currentThread().interrupt();
                work.run();
                return;
            }
            AtomicBoolean held = new AtomicBoolean(true);
            Runnable release = () -> {
                if (held.compareAndSet(true, false)) {
                    startPermits.release();
                }
            };
            try {
                StartPermit.holding(release, work);
            } finally {
                release.run();
            }
        };
    }
}
