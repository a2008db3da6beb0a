package io.streamspace.agent.adapter.http.sidecar;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.StackRuntime;
import io.streamspace.agent.domain.compose.ComposeModel;
import io.streamspace.agent.domain.sidecar.SidecarOperation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link StackRuntime} of sidecar mode: every operation is performed by the compose-agent sidecar's stack runtime
 * through its signed local API ({@link SignedSidecarClient}). The Compose file is parsed here, on the agent's side;
 * what travels is the {@link ComposeModel} and the {@link ProjectContext} in their {@link StackWire} form. Errors of
 * the sidecar's runtime come back as {@link RuntimeOperationException} with the sidecar's message.
 */
public final class RemoteStackRuntime implements StackRuntime {

    private static final TypeReference<List<StackContainer>> CONTAINERS = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final SignedSidecarClient client;

    public RemoteStackRuntime(SignedSidecarClient client) {
        this.client = client;
    }

    @Override
    public UpResult up(ComposeModel model, ProjectContext context) throws InterruptedException {
        return convert(client.call(SidecarOperation.STACK_UP,
                args("model", StackWire.of(model), "context", StackWire.of(context))), UpResult.class);
    }

    @Override
    public DownResult down(String project, boolean removeVolumes) {
        return convert(call(SidecarOperation.STACK_DOWN, args("project", project, "removeVolumes", removeVolumes)),
                DownResult.class);
    }

    @Override
    public List<StackContainer> ps(String project) {
        return client.json().convertValue(call(SidecarOperation.STACK_PS, args("project", project)), CONTAINERS);
    }

    @Override
    public String logs(String project, String service, int tail) throws InterruptedException {
        return client.call(SidecarOperation.STACK_LOGS, args("project", project, "service", service, "tail", tail))
                .path("logs").asText("");
    }

    @Override
    public List<String> restart(String project, List<String> services) {
        return names(call(SidecarOperation.STACK_RESTART, args("project", project, "services", services)));
    }

    @Override
    public List<String> stop(String project, List<String> services) {
        return names(call(SidecarOperation.STACK_STOP, args("project", project, "services", services)));
    }

    @Override
    public List<String> start(String project, List<String> services) {
        return names(call(SidecarOperation.STACK_START, args("project", project, "services", services)));
    }

    @Override
    public List<String> pull(ComposeModel model) throws InterruptedException {
        return names(client.call(SidecarOperation.STACK_PULL, args("model", StackWire.of(model))));
    }

    private JsonNode call(SidecarOperation operation, Object args) {
        try {
            return client.call(operation, args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeOperationException("Interrupted while the compose-agent sidecar performed "
                    + operation.wireName(), e);
        }
    }

    private List<String> names(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? List.of()
                : client.json().convertValue(node, STRINGS);
    }

    private <T> T convert(JsonNode node, Class<T> type) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new RuntimeOperationException("The compose-agent sidecar returned no " + type.getSimpleName());
        }
        return client.json().convertValue(node, type);
    }

    private static Map<String, Object> args(Object... pairs) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            args.put((String) pairs[i], pairs[i + 1]);
        }
        return args;
    }
}
