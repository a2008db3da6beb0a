package io.streamspace.agent.application.service.watchdog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A single-threaded scheduler on virtual time, and the clock that time is read from: {@link #advance} runs every
 * task due on the way, in due order, with the clock set to each task's due time. Only what the watchdog uses is
 * supported ({@code schedule} of a Runnable, {@code execute}).
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private Instant now;
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;
    private boolean shutdown;

    ManualScheduler(Instant start) {
        this.now = start;
    }

    /** A clock reading this scheduler's virtual time. */
    Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
    }

    Instant now() {
        return now;
    }

    /** Runs the tasks due within {@code duration}, then sets the clock to its end. */
    void advance(Duration duration) {
        Instant end = now.plus(duration);
        while (true) {
            Optional<Task> next = tasks.stream().filter(t -> !t.isCancelled() && !t.due.isAfter(end))
                    .min(Comparator.<Task, Instant>comparing(t -> t.due).thenComparingLong(t -> t.seq));
            if (next.isEmpty()) {
                break;
            }
            Task task = next.get();
            tasks.remove(task);
            if (task.due.isAfter(now)) {
                now = task.due;
            }
            task.run();
        }
        tasks.removeIf(Task::isCancelled);
        now = end;
    }

    /** When the next pending task is due, if any. */
    Optional<Instant> nextDue() {
        return tasks.stream().filter(t -> !t.isCancelled()).map(t -> t.due).min(Comparator.naturalOrder());
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        Task task = new Task(command, now.plusNanos(unit.toNanos(Math.max(0, delay))), sequence++);
        tasks.add(task);
        return task;
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> pending = new ArrayList<>(tasks);
        tasks.clear();
        return pending;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && tasks.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task extends FutureTask<Void> implements ScheduledFuture<Void> {
        final Instant due;
        final long seq;

        Task(Runnable command, Instant due, long seq) {
            super(command, null);
            this.due = due;
            this.seq = seq;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(now, due));
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
