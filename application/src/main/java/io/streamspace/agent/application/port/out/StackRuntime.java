package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.compose.ComposeModel;
import java.util.List;
import java.util.Map;

/**
 * Runs Compose projects (stacks) on a container engine, labelled and named the way the Compose CLI does it, so the
 * CLI and this runtime see and manage the same stacks. Every operation is scoped to one project name; nothing
 * outside the project's {@code com.docker.compose.project} label is touched.
 */
public interface StackRuntime {

    /**
     * Brings the project to the model, idempotently: networks and volumes are created when missing, services are
     * started in dependency order (waiting for {@code depends_on} conditions), a service whose container carries the
     * same config hash is left alone (started if stopped), a changed one is recreated, containers of services no
     * longer in the model are left alone (as {@code docker compose up} without {@code --remove-orphans}).
     *
     * @throws RuntimeOperationException with the service and the engine's reason when a step fails
     */
    UpResult up(ComposeModel model, ProjectContext context) throws InterruptedException;

    /** Removes the project's containers and networks, and its volumes when asked (external ones never). */
    DownResult down(String project, boolean removeVolumes);

    /** The project's containers (one-off ones excluded), running or not, ordered by service and number. */
    List<StackContainer> ps(String project);

    /** The last {@code tail} lines of stdout and stderr of the service's containers. */
    String logs(String project, String service, int tail) throws InterruptedException;

    /** Restarts the named services' containers (all services when the list is empty). */
    List<String> restart(String project, List<String> services);

    /** Stops the named services' containers (all when empty); returns the container names stopped. */
    List<String> stop(String project, List<String> services);

    /** Starts the named services' stopped containers (all when empty); returns the container names started. */
    List<String> start(String project, List<String> services);

    /** Pulls the image of every service of the model; returns the images pulled. */
    List<String> pull(ComposeModel model) throws InterruptedException;

    /**
     * The project a model is brought up as.
     *
     * @param workingDir  the {@code com.docker.compose.project.working_dir} label (bind mounts with relative
     *                    sources resolve against it); may be null for stacks that came without a directory
     * @param configFiles the {@code com.docker.compose.project.config_files} label (comma-joined)
     */
    record ProjectContext(String project, String workingDir, List<String> configFiles) {
        public ProjectContext {
            configFiles = configFiles == null ? List.of() : List.copyOf(configFiles);
        }
    }

    /** What {@link #up} did, by service name. */
    record UpResult(String project, List<String> created, List<String> recreated, List<String> unchanged,
                    List<String> started) {}

    /** What {@link #down} removed, by engine object name. */
    record DownResult(String project, List<String> containers, List<String> networks, List<String> volumes) {}

    /**
     * One container of a project.
     *
     * @param state  the engine's state ({@code running}, {@code exited}, ...)
     * @param health {@code healthy}, {@code unhealthy}, {@code starting}, or null without a healthcheck
     */
    record StackContainer(String id, String name, String service, int number, String image, String state,
                          String health, Integer exitCode, String configHash) {}

    /** Turns the text of a Compose file into plain maps, lists and scalars (a YAML parser, in an adapter). */
    @FunctionalInterface
    interface ComposeFileReader {
        /**
         * @param source named in errors ({@code compose.yml}, {@code deploy_stack payload})
         * @throws io.streamspace.agent.domain.compose.ComposeFileException when the text is not a YAML mapping
         */
        Map<String, Object> read(String text, String source);
    }
}
