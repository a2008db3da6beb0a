package io.streamspace.agent.application.service.gateway;

import io.streamspace.agent.application.port.in.ManageAgentStacks;
import io.streamspace.agent.application.port.in.ObjectNotFoundException;
import io.streamspace.agent.application.port.in.OperationFailedException;
import io.streamspace.agent.application.port.in.OutOfScopeException;
import io.streamspace.agent.application.port.out.HostContainers;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.application.service.stack.StackDefinition;
import io.streamspace.agent.application.service.stack.StackService;
import io.streamspace.agent.domain.compose.ComposeFileException;
import io.streamspace.agent.domain.compose.ComposeParser.EnvFiles;
import io.streamspace.agent.domain.host.ContainerDetails;
import io.streamspace.agent.domain.host.ContainerSummary;
import io.streamspace.agent.domain.host.SecretRedaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link ManageAgentStacks} over the {@link StackService} (the same load, check and lock as {@code deploy_stack} and
 * {@code docker-agent stack}). A stack is in scope when every container of its project is; {@code up} labels every
 * service with the gateway's owner labels, so the stacks it brings up are its own. The scope check and the operation
 * run under the project's lock.
 */
public final class AgentStackService implements ManageAgentStacks {

    /** Compose's project label, which the native engine and the CLI both set. */
    public static final String PROJECT_LABEL = "com.docker.compose.project";

    private final StackService stacks;
    private final HostContainers containers;
    private final GatewayScope scope;

    public AgentStackService(StackService stacks, HostContainers containers, GatewayScope scope) {
        this.stacks = stacks;
        this.containers = containers;
        this.scope = scope;
    }

    @Override
    public List<String> list() {
        Set<String> projects = new TreeSet<>();
        List<ContainerSummary> all = HostContainerService.engine(() -> containers.list(Map.of(), true));
        Map<String, Boolean> covered = new java.util.HashMap<>();
        for (ContainerSummary c : all) {
            String project = c.labels().get(PROJECT_LABEL);
            if (project != null) {
                covered.merge(project, scope.covers(c.labels()), Boolean::logicalAnd);
            }
        }
        covered.forEach((project, inScope) -> {
            if (inScope) {
                projects.add(project);
            }
        });
        return List.copyOf(projects);
    }

    @Override
    public StackState up(String project, String composeText, Map<String, String> environment)
            throws InterruptedException {
        String name = checked(project);
        return stacks.whileLocked(name, () -> {
            inScope(name, false);
            StackRuntime.UpResult up;
            try {
                up = stacks.deploy(new StackDefinition(name, composeText, "mcp:stack_up", environment, null, Set.of(),
                        null, EnvFiles.NONE), scope.ownerLabels());
            } catch (ComposeFileException e) {
                throw new OperationFailedException("compose file rejected: " + e.getMessage(), e);
            } catch (RuntimeOperationException e) {
                throw new OperationFailedException("could not bring stack " + name + " up: " + e.getMessage(), e);
            }
            return new StackState(up.project(), up.created(), up.recreated(), up.unchanged(), up.started(),
                    members(up.project()));
        });
    }

    @Override
    public StackRemoval down(String project, boolean removeVolumes) throws InterruptedException {
        String name = checked(project);
        return stacks.whileLocked(name, () -> {
            inScope(name, true);
            try {
                StackRuntime.DownResult down = stacks.remove(name, removeVolumes);
                return new StackRemoval(down.project(), down.containers(), down.networks(), down.volumes());
            } catch (RuntimeOperationException e) {
                throw new OperationFailedException("could not take stack " + name + " down: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public StackState ps(String project) {
        String name = checked(project);
        inScope(name, true);
        return new StackState(name, List.of(), List.of(), List.of(), List.of(), members(name));
    }

    @Override
    public String logs(String project, String service, int tail) throws InterruptedException {
        String name = checked(project);
        List<ContainerSummary> members = inScope(name, true);
        String text;
        try {
            if (service != null) {
                text = stacks.logs(name, service, tail);
            } else {
                StringBuilder all = new StringBuilder();
                for (String each : new TreeSet<>(stacks.status(name).stream().map(c -> c.service()).toList())) {
                    all.append("==> ").append(each).append(" <==\n").append(stacks.logs(name, each, tail));
                }
                text = all.toString();
            }
        } catch (RuntimeOperationException e) {
            throw new OperationFailedException("could not read the logs of stack " + name + ": " + e.getMessage(), e);
        }
        List<String> environment = new ArrayList<>();
        for (ContainerSummary member : members) {
            HostContainerService.engine(() -> containers.inspect(member.id()))
                    .map(ContainerDetails::environment).ifPresent(environment::addAll);
        }
        return SecretRedaction.of(environment).redact(text);
    }

    private List<StackMember> members(String project) {
        try {
            return stacks.status(project).stream()
                    .map(c -> new StackMember(c.name(), c.service(), c.state(), c.health(), c.image())).toList();
        } catch (RuntimeOperationException e) {
            throw new OperationFailedException(e.getMessage(), e);
        }
    }

    private static String checked(String project) {
        try {
            return StackService.checkProject(project);
        } catch (ComposeFileException e) {
            throw new OperationFailedException(e.getMessage(), e);
        }
    }

    /** The project's containers, after checking that each is in scope (and that there is one, when required). */
    private List<ContainerSummary> inScope(String project, boolean mustExist) {
        List<ContainerSummary> members = HostContainerService.engine(() ->
                containers.list(Map.of(PROJECT_LABEL, project), true));
        if (members.isEmpty() && mustExist) {
            throw new ObjectNotFoundException("no stack " + project + " on this host (no container carries "
                    + PROJECT_LABEL + "=" + project + ")");
        }
        for (ContainerSummary c : members) {
            if (!scope.covers(c.labels())) {
                throw new OutOfScopeException(scope.outOfScope("stack " + project + " (its container " + c.name()
                        + ")"));
            }
        }
        return members;
    }
}
