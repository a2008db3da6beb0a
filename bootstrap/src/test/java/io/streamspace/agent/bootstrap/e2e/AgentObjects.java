package io.streamspace.agent.bootstrap.e2e;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.application.service.session.SessionLabels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Docker objects of one test agent, found by its owner label {@code streamspace.agent.id=<id>}. Cleanup removes
 * only those (never anything of another engineer's or test's agent).
 */
public final class AgentObjects implements AutoCloseable {

    private final String agentId;
    private final DockerClients clients = DockerClients.create(SessionE2E.dockerHost());

    public AgentObjects(String agentId) {
        this.agentId = agentId;
    }

    DockerClient docker() {
        return clients.requests();
    }

    /** Every container (running or not) labelled with this agent id. */
    List<Container> containers() {
        return docker().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(SessionLabels.AGENT_ID, agentId)).exec();
    }

    /** Containers by their session label (a container without one is under the key "<none>"). */
    public Map<String, List<Container>> containersBySession() {
        return containers().stream().collect(Collectors.groupingBy(
                c -> c.getLabels() == null ? "<none>" : c.getLabels().getOrDefault(SessionLabels.SESSION_ID, "<none>"),
                LinkedHashMap::new, Collectors.toList()));
    }

    /** {@code docker kill} (SIGKILL) of one of this agent's containers, behind the agent's back. */
    void kill(String containerName) {
        docker().killContainerCmd(containerName).exec();
    }

    /** Removes this agent's containers, volumes and (when labelled for it) the network. */
    public void cleanup(String network) {
        for (Container c : containers()) {
            try {
                docker().removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException ignored) {
                // already gone
            }
        }
        docker().listVolumesCmd().withFilter("label", List.of(SessionLabels.AGENT_ID + "=" + agentId)).exec()
                .getVolumes().forEach(v -> {
                    try {
                        docker().removeVolumeCmd(v.getName()).exec();
                    } catch (NotFoundException ignored) {
                        // already gone
                    }
                });
        if (network != null) {
            for (Network n : docker().listNetworksCmd().withNameFilter(network).exec()) {
                if (network.equals(n.getName()) && n.getLabels() != null
                        && agentId.equals(n.getLabels().get(SessionLabels.AGENT_ID))) {
                    try {
                        docker().removeNetworkCmd(n.getId()).exec();
                    } catch (NotFoundException ignored) {
                        // already gone
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        clients.close();
    }

    /** A {@code start_session} payload for the vnc-echo test image (VNC on 5900), small limits. */
    public static Map<String, Object> startPayload(String sessionId, String idleTimeout, String maxSessionDuration) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("displayName", "VNC echo");
        spec.put("baseImage", "streamspace-test/vnc-echo:latest");
        spec.put("ports", List.of(Map.of("name", "vnc", "containerPort", 5900, "protocol", "TCP")));
        spec.put("vnc", Map.of("enabled", true, "port", 5900));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("sessionId", sessionId);
        payload.put("user", "alice");
        payload.put("template", "vnc-echo");
        payload.put("templateManifest", Map.of("apiVersion", "stream.space/v1alpha1", "kind", "Template",
                "metadata", Map.of("name", "vnc-echo", "namespace", "streamspace"), "spec", spec));
        payload.put("namespace", "streamspace");
        payload.put("memory", "32Mi");
        payload.put("cpu", "100m");
        payload.put("persistentHome", false);
        payload.put("idleTimeout", idleTimeout == null ? "" : idleTimeout);
        payload.put("maxSessionDuration", maxSessionDuration == null ? "" : maxSessionDuration);
        payload.put("tags", null);
        return payload;
    }
}
