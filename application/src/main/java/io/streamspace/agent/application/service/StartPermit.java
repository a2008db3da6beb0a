package io.streamspace.agent.application.service;

/**
 * The start permit of {@link SessionCommandQueue} that the current thread's command holds. The permit bounds the
 * engine's work (parallel creates and starts slow each other down sharply), not the waiting after it: a start
 * releases it once its container is started, so the look that confirms the container stays running (one poll
 * interval) and the VNC readiness wait do not keep the next start from the engine.
 */
public final class StartPermit {

    private static final ThreadLocal<Runnable> HELD = new ThreadLocal<>();

    private StartPermit() {
    }

    /** Runs {@code work} on this thread with {@code release} as the permit it may give back early. */
    static void holding(Runnable release, Runnable work) {
        HELD.set(release);
        try {
            work.run();
        } finally {
            HELD.remove();
        }
    }

    /** Gives back the permit this thread's command holds, if any; later calls (and the queue's own) do nothing. */
    public static void releaseEarly() {
        Runnable release = HELD.get();
        if (release != null) {
            HELD.remove();
            release.run();
        }
    }
}
