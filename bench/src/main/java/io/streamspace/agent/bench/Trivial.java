package io.streamspace.agent.bench;

/** The start-up baseline: a program that does nothing, run by the same JVM with the same flags as the agent. */
public final class Trivial {

    private Trivial() {
    }

    public static void main(String[] args) {
        // nothing: the JVM starts, runs main and exits
    }
}
