package io.streamspace.agent.application.port.in;

import java.util.List;
import java.util.Map;

/**
 * Compose stacks through the native engine, for the MCP gateway. Stacks it brings up carry the agent's owner labels;
 * by default it sees and acts only on stacks whose containers all carry them.
 */
public interface ManageAgentStacks {

    /** Project names of the stacks in scope. */
    List<String> list();

    /**
     * Brings the project up from a Compose file's text (idempotent: unchanged services are left alone).
     *
     * @param environment variables for {@code ${...}} interpolation, may be empty
     * @throws OperationFailedException when the file is outside the supported subset (naming the key) or a step fails
     */
    StackState up(String project, String composeText, Map<String, String> environment) throws InterruptedException;

    StackRemoval down(String project, boolean removeVolumes) throws InterruptedException;

    StackState ps(String project);

    /** The last {@code tail} log lines of one service (all services when {@code service} is null), redacted. */
    String logs(String project, String service, int tail) throws InterruptedException;

    /** A stack's containers, and for {@link #up} what changed (service names; empty lists otherwise). */
    record StackState(String project, List<String> created, List<String> recreated, List<String> unchanged,
                      List<String> started, List<StackMember> containers) {
        public StackState {
            created = List.copyOf(created);
            recreated = List.copyOf(recreated);
            unchanged = List.copyOf(unchanged);
            started = List.copyOf(started);
            containers = List.copyOf(containers);
        }
    }

    /** @param health healthy, unhealthy, starting, or null without a healthcheck */
    record StackMember(String name, String service, String state, String health, String image) {}

    record StackRemoval(String project, List<String> containers, List<String> networks, List<String> volumes) {
        public StackRemoval {
            containers = List.copyOf(containers);
            networks = List.copyOf(networks);
            volumes = List.copyOf(volumes);
        }
    }
}
