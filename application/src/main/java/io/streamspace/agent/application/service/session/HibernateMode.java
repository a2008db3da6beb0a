package io.streamspace.agent.application.service.session;

/** What hibernation does ({@code --hibernate-mode}). */
public enum HibernateMode {
    /** Stop the container: frees CPU and memory, keeps the disk (default). */
    STOP,
    /** Pause the container: keeps its memory, frees CPU. */
    PAUSE
}
