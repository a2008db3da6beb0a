package io.streamspace.agent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * What one parked thread costs in resident memory, run by the agent's launcher with its flags (point 4: what virtual
 * threads buy): {@code ThreadCost platform|virtual N} starts N threads of that kind, each parked {@link #DEPTH}
 * frames deep as a thread waiting on a socket or a container would be, and prints
 * {@code thread-cost <kind> <N> <RSS growth in KiB>}. One thread of each kind runs first, so the virtual threads'
 * carrier pool and the JVM's own first-thread work are not counted.
 */
public final class ThreadCost {

    static final int DEPTH = 40;

    private ThreadCost() {
    }

    public static void main(String[] args) throws Exception {
        boolean virtual = args[0].equals("virtual");
        int n = Integer.parseInt(args[1]);
        for (Thread warm : List.of(Thread.ofPlatform().start(() -> deep(DEPTH, null)),
                Thread.ofVirtual().start(() -> deep(DEPTH, null)))) {
            warm.join();
        }
        long before = rssKiB();
        CountDownLatch parked = new CountDownLatch(n);
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Runnable park = () -> deep(DEPTH, parked);
            threads.add(virtual ? Thread.ofVirtual().start(park) : Thread.ofPlatform().daemon().start(park));
        }
        parked.await();
        System.out.println("thread-cost " + args[0] + " " + n + " " + (rssKiB() - before));
        threads.forEach(LockSupport::unpark);
    }

    /** Recurses {@code depth} frames, then parks once (when {@code parked} is given) and returns. */
    private static void deep(int depth, CountDownLatch parked) {
        if (depth > 0) {
            deep(depth - 1, parked);
        } else if (parked != null) {
            parked.countDown();
            LockSupport.park();
        }
    }

    private static long rssKiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
