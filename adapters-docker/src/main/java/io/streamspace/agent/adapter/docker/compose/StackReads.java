package io.streamspace.agent.adapter.docker.compose;

import static io.streamspace.agent.adapter.docker.EngineReads.labels;
import static io.streamspace.agent.adapter.docker.EngineReads.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.exception.DockerException;
import io.streamspace.agent.adapter.docker.DockerClients;
import io.streamspace.agent.adapter.docker.EngineReads;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a stack command reads from the engine (its project's containers, networks and volumes), as JSON trees of the
 * fields the stack runtime uses rather than docker-java's models: every {@code stack} command is a fresh JVM, and
 * binding the replies made Jackson introspect {@code Container}, {@code Network} and {@code InspectVolumeResponse}
 * in the interpreter first, the larger part of an unchanged re-{@code up} after the JVM's own start (ADR 0028, as
 * ADR 0027 for the agent's start-up). Errors are docker-java's exception types ({@link EngineReads#read}).
 */
final class StackReads {

    private StackReads() {
    }

    /** A container as the engine's list shows it; {@code name} without the leading slash (the id when unnamed). */
    record ProjectContainer(String id, String name, String image, String state, Map<String, String> labels) {

        String label(String key) {
            return labels.get(key);
        }
    }

    /** A network as the engine's list shows it. */
    record ListedNetwork(String id, String name, Map<String, String> labels) {
    }

    /** Every container, running or not, that carries all of {@code labels}. */
    static List<ProjectContainer> containers(DockerClients clients, Map<String, String> labels) {
        List<ProjectContainer> containers = new ArrayList<>();
        for (JsonNode c : EngineReads.containerList(clients, labels)) {
            String id = text(c, "Id");
            String name = EngineReads.firstName(c);
            containers.add(new ProjectContainer(id, name.isEmpty() ? id : name, text(c, "Image"), text(c, "State"),
                    labels(c)));
        }
        return containers;
    }

    /** The networks the engine lists for one filter ({@code name} matches by substring, as the engine does). */
    static List<ListedNetwork> networks(DockerClients clients, String filter, String value) {
        String path = "/networks?filters=" + EngineReads.filters(filter, List.of(value));
        JsonNode all = EngineReads.read(clients, path);
        if (!all.isArray()) {
            throw new DockerException("the reply to GET " + path + " is not a list of networks", 200);
        }
        List<ListedNetwork> networks = new ArrayList<>();
        for (JsonNode n : all) {
            networks.add(new ListedNetwork(text(n, "Id"), text(n, "Name"), labels(n)));
        }
        return networks;
    }

    /**
     * The labels of the volume {@code name}; null when there is no such volume. A name that cannot be one path
     * segment (an external volume's name comes from the file) names no volume: the engine would clean such a path
     * into another resource (its redirect for {@code a/../../containers/json} answers with the container list).
     */
    static Map<String, String> volumeLabels(DockerClients clients, String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            return null;
        }
        String path = "/volumes/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        JsonNode volume;
        try {
            volume = EngineReads.read(clients, path);
        } catch (DockerException e) {
            if (e.getHttpStatus() == 404) {
                return null;
            }
            throw e;
        }
        if (!name.equals(text(volume, "Name"))) {
            throw new DockerException("the reply to GET " + path + " is not the volume " + name, 200);
        }
        return labels(volume);
    }
}
