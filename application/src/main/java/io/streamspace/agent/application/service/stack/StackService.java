package io.streamspace.agent.application.service.stack;

import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.application.port.out.StackRuntime.DownResult;
import io.streamspace.agent.application.port.out.StackRuntime.ProjectContext;
import io.streamspace.agent.application.port.out.StackRuntime.StackContainer;
import io.streamspace.agent.application.port.out.StackRuntime.UpResult;
import io.streamspace.agent.domain.compose.ComposeFileException;
import io.streamspace.agent.domain.compose.ComposeMerge;
import io.streamspace.agent.domain.compose.ComposeModel;
import io.streamspace.agent.domain.compose.ComposeParser;
import io.streamspace.agent.domain.compose.DotEnv;
import io.streamspace.agent.domain.compose.Interpolation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Stack use cases shared by the control-plane handlers and the CLI: load a Compose file (YAML through the
 * {@link StackRuntime.ComposeFileReader}, {@code .env} and environment interpolation, the subset check), then bring
 * it up, take it down or list it. Operations on one project are serialised in this process.
 */
public final class StackService {

    /** Compose's rule for project names (lower case, so names and labels match what the CLI derives). */
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private final StackRuntime runtime;
    private final StackRuntime.ComposeFileReader reader;
    private final Map<String, ReentrantLock> projectLocks = new ConcurrentHashMap<>();

    public StackService(StackRuntime runtime, StackRuntime.ComposeFileReader reader) {
        this.runtime = runtime;
        this.reader = reader;
    }

    /** A loaded, checked stack: the project name it runs under and its model. */
    public record LoadedStack(String project, ComposeModel model) {}

    /**
     * Parses, interpolates and checks a stack without touching the engine.
     *
     * @throws ComposeFileException naming the key path at fault
     */
    public LoadedStack load(StackDefinition definition) {
        Map<String, Object> document = reader.read(definition.composeText(), definition.source());
        if (!definition.overrides().isEmpty()) {
            List<Map<String, Object>> documents = new java.util.ArrayList<>(List.of(document));
            definition.overrides().forEach(file -> documents.add(reader.read(file.text(), file.source())));
            document = ComposeMerge.merge(documents);
        }
        Map<String, String> variables = new HashMap<>(DotEnv.parse(definition.dotEnv(), ".env"));
        variables.putAll(definition.environment());
        @SuppressWarnings("unchecked")
        Map<String, Object> interpolated = (Map<String, Object>) Interpolation.interpolateTree(document, variables);
        ComposeModel model = ComposeParser.parse(interpolated, variables, definition.envFiles())
                .withProfiles(definition.profiles());
        String project = definition.project() != null ? definition.project() : model.name();
        if (project == null) {
            throw new ComposeFileException("name", "no project name: give one or set the top-level name");
        }
        return new LoadedStack(checkProject(project), model);
    }

    public UpResult deploy(StackDefinition definition) throws InterruptedException {
        return deploy(definition, Map.of());
    }

    /** Deploys with {@code serviceLabels} added to every service (an owner's labels, say). */
    public UpResult deploy(StackDefinition definition, Map<String, String> serviceLabels) throws InterruptedException {
        LoadedStack stack = load(definition);
        ComposeModel model = serviceLabels.isEmpty() ? stack.model() : stack.model().withServiceLabels(serviceLabels);
        return locked(stack.project(), () -> runtime.up(model,
                new ProjectContext(stack.project(), definition.workingDir(), definition.configFiles())));
    }

    /**
     * Runs {@code step} while holding the project's lock, the one deploy and remove take: a check made inside it
     * (whose stack this is) still holds when the step runs.
     */
    public <T> T whileLocked(String project, Step<T> step) throws InterruptedException {
        return locked(checkProject(project), step);
    }

    public DownResult remove(String project, boolean removeVolumes) throws InterruptedException {
        String name = checkProject(project);
        return locked(name, () -> runtime.down(name, removeVolumes));
    }

    public List<StackContainer> status(String project) {
        return runtime.ps(checkProject(project));
    }

    public List<String> pull(StackDefinition definition) throws InterruptedException {
        return runtime.pull(load(definition).model());
    }

    public String logs(String project, String service, int tail) throws InterruptedException {
        return runtime.logs(checkProject(project), service, tail);
    }

    /** Restarts the named services' containers (all when the list is empty); returns the containers restarted. */
    public List<String> restart(String project, List<String> services) throws InterruptedException {
        String name = checkProject(project);
        return locked(name, () -> runtime.restart(name, services));
    }

    /** Stops the named services' containers (all when the list is empty); returns the containers stopped. */
    public List<String> stop(String project, List<String> services) throws InterruptedException {
        String name = checkProject(project);
        return locked(name, () -> runtime.stop(name, services));
    }

    /** Starts the named services' stopped containers (all when empty); returns the containers started. */
    public List<String> start(String project, List<String> services) throws InterruptedException {
        String name = checkProject(project);
        return locked(name, () -> runtime.start(name, services));
    }

    /** Checks a project name the way Compose requires it. */
    public static String checkProject(String project) {
        if (project == null || !PROJECT.matcher(project).matches()) {
            throw new ComposeFileException("name", "invalid project name \"" + project + "\": use lower-case letters,"
                    + " digits, '_' and '-', starting with a letter or digit");
        }
        return project;
    }

    /** Work done under a project's lock. */
    public interface Step<T> {
        T run() throws InterruptedException;
    }

    private <T> T locked(String project, Step<T> step) throws InterruptedException {
        ReentrantLock lock = projectLocks.computeIfAbsent(project, p -> new ReentrantLock());
        lock.lockInterruptibly();
        try {
            return step.run();
        } finally {
            lock.unlock();
        }
    }
}
