package io.streamspace.agent.domain.compose;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The start order of services: every service after the services it depends on, otherwise in file order
 * (a depth-first topological sort, deterministic). A dependency cycle is refused with the cycle spelled out.
 */
public final class DependencyOrder {

    private DependencyOrder() {}

    public static List<String> of(Map<String, ServiceSpec> services) {
        List<String> order = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>(); // 1 visiting, 2 done
        for (String key : services.keySet()) {
            visit(key, services, state, new ArrayList<>(), order);
        }
        return List.copyOf(order);
    }

    private static void visit(String key, Map<String, ServiceSpec> services, Map<String, Integer> state,
                              List<String> stack, List<String> order) {
        Integer s = state.get(key);
        if (s != null && s == 2) {
            return;
        }
        if (s != null) {
            List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(key), stack.size()));
            cycle.add(key);
            throw new ComposeFileException("services." + stack.get(stack.size() - 1) + ".depends_on",
                    "dependency cycle " + String.join(" -> ", cycle));
        }
        ServiceSpec service = services.get(key);
        if (service == null) {
            throw new ComposeFileException("services." + stack.get(stack.size() - 1) + ".depends_on." + key,
                    "depends on undefined service " + key);
        }
        state.put(key, 1);
        stack.add(key);
        for (String dep : service.dependsOn().keySet()) {
            visit(dep, services, state, stack, order);
        }
        stack.remove(stack.size() - 1);
        state.put(key, 2);
        order.add(key);
    }
}
