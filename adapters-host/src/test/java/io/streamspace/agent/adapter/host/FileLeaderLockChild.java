package io.streamspace.agent.adapter.host;

import io.streamspace.agent.application.port.in.ServeControlPlane;
import io.streamspace.agent.application.port.out.LeaderLock.Lease;
import io.streamspace.agent.application.service.election.ElectionSettings;
import io.streamspace.agent.application.service.election.LeaderElectionService;
import io.streamspace.agent.application.service.election.LeadershipListener;
import io.streamspace.agent.domain.election.LeaseTiming;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM by {@link FileLeaderLockCrashTest}: {@code <lock file> <agent id> <instance id>} runs the real
 * election service on a {@link FileLeaderLock} with a stand-in control-plane link, printing {@code LEADING <epoch>}
 * when a term starts and {@code LOST <epoch>} when it ends. SIGTERM stops it gracefully and prints {@code STOPPED}.
 */
public final class FileLeaderLockChild {

    static final LeaseTiming TIMING = new LeaseTiming(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(100));

    private FileLeaderLockChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        FileLeaderLock lock = FileLeaderLock.open(Path.of(args[0]), args[1]);
        LeadershipListener printer = new LeadershipListener() {
            @Override
            public void onLeadershipAcquired(Lease lease) {
                say("LEADING " + lease.epoch());
            }

            @Override
            public void onLeadershipLost(Lease lease) {
                say("LOST " + lease.epoch());
            }
        };
        LeaderElectionService election = new LeaderElectionService(lock, new ElectionSettings(args[1], args[2], TIMING),
                StandInLink::new, List.of(printer));
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            election.stop();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            election.run();
        } finally {
            lock.close();
            say("STOPPED");
            finished.countDown();
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Serves until stopped. */
    private static final class StandInLink implements ServeControlPlane {
        private final CountDownLatch stop = new CountDownLatch(1);

        @Override
        public StopReason serve() throws InterruptedException {
            stop.await();
            return StopReason.STOPPED;
        }

        @Override
        public void stop() {
            stop.countDown();
        }
    }
}
