package io.streamspace.agent.adapter.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.transport.DockerHttpClient;
import io.streamspace.agent.application.port.out.SessionRuntime.ListedContainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engine's version and container list read as JSON trees over the request transport, not bound to
 * docker-java's model classes: these are the calls of the session agent's first heartbeat (and of every admission
 * and heartbeat after it), and binding their replies made Jackson introspect docker-java's {@code Version} and
 * {@code Container} classes (fields, annotations, creators, nested types) in the interpreter first: ~70 % of the
 * ~100 ms the first heartbeat waited for the engine at start-up (ADR 0027). A tree needs no introspection, and only
 * the few fields the agent uses are read. Errors are docker-java's own exception types, so callers translate them as
 * before ({@link DockerErrors}). The Compose engine reads its stacks' objects the same way (ADR 0028): every
 * {@code stack} command is a fresh JVM.
 */
public final class EngineReads {

    /** Only reads trees, which needs no configuration; Jackson mappers are thread-safe. */
    private static final ObjectMapper TREES = new ObjectMapper();

    private EngineReads() {
    }

    /** What {@code GET /version} says about the engine. */
    record EngineVersion(String version, String apiVersion, String operatingSystem, String architecture,
                         ContainerEngine engine) {
    }

    /** {@code GET /version}. */
    static EngineVersion version(DockerClients clients) {
        JsonNode version = read(clients, "/version");
        List<String> components = new ArrayList<>();
        for (JsonNode component : version.path("Components")) {
            components.add(text(component, "Name"));
        }
        return new EngineVersion(text(version, "Version"), text(version, "ApiVersion"), text(version, "Os"),
                text(version, "Arch"), ContainerEngine.of(components, text(version.path("Platform"), "Name")));
    }

    /**
     * {@code GET /containers/json?all=1}, filtered by the engine on every one of {@code labels} (all containers
     * when empty); each with its id, first name (without the leading slash), image as requested, labels, status in
     * Docker's words and published ports.
     */
    static List<ListedContainer> containers(DockerClients clients, Map<String, String> labels) {
        List<ListedContainer> listed = new ArrayList<>();
        for (JsonNode container : containerList(clients, labels)) {
            Map<String, String> containerLabels = labels(container);
            String name = firstName(container);
            String status = ContainerEngine.dockerStatus(text(container, "State"), null, 0);
            listed.add(new ListedContainer(text(container, "Id"), name,
                    ContainerEngine.requestedImage(text(container, "Image")), containerLabels, status,
                    publishedPorts(container.path("Ports"), status)));
        }
        return listed;
    }

    /**
     * {@code GET /containers/json?all=1}, filtered by the engine on every one of {@code labels} (all containers when
     * empty): the engine's reply, an array with one object per container.
     */
    public static JsonNode containerList(DockerClients clients, Map<String, String> labels) {
        List<String> byLabel = new ArrayList<>();
        labels.forEach((key, value) -> byLabel.add(key + "=" + value));
        String path = "/containers/json?all=1" + (labels.isEmpty() ? "" : "&filters=" + filters("label", byLabel));
        JsonNode all = read(clients, path);
        if (!all.isArray()) {
            throw new DockerException("the reply to GET " + path + " is not a list of containers", 200);
        }
        return all;
    }

    /** The {@code filters} query parameter of a list request on one key, URL-encoded. */
    public static String filters(String key, List<String> values) {
        ObjectNode filter = TREES.createObjectNode();
        ArrayNode array = filter.putArray(key);
        values.forEach(array::add);
        return URLEncoder.encode(filter.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Container port (tcp) to host port, as an inspect reports them (DockerContainers.toState): only while it
     * publishes them ({@link ContainerEngine#publishesPorts}), the first binding of a port when it is bound twice
     * (IPv4 and IPv6).
     */
    private static Map<Integer, Integer> publishedPorts(JsonNode ports, String status) {
        Map<Integer, Integer> published = new TreeMap<>();
        if (!ContainerEngine.publishesPorts(status)) {
            return published;
        }
        for (JsonNode port : ports) {
            JsonNode type = port.get("Type");
            if ((type == null || "tcp".equals(type.asText())) && port.path("PrivatePort").canConvertToInt()
                    && port.path("PublicPort").asInt(0) > 0) {
                published.putIfAbsent(port.get("PrivatePort").asInt(), port.get("PublicPort").asInt());
            }
        }
        return published;
    }

    /**
     * One GET on the request transport. A reply other than 2xx, or one that is not JSON, throws docker-java's
     * {@link DockerException} with the status and the body, as its own commands do; a transport failure throws the
     * transport's exception.
     */
    public static JsonNode read(DockerClients clients, String pathAndQuery) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path(pathAndQuery)
                .build();
        byte[] body;
        int status;
        try (DockerHttpClient.Response response = clients.requestTransport().execute(request);
             InputStream in = response.getBody()) {
            status = response.getStatusCode();
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + pathAndQuery + " failed: " + e.getMessage(), e);
        }
        if (status / 100 != 2) {
            throw new DockerException(new String(body, StandardCharsets.UTF_8).strip(), status);
        }
        try {
            JsonNode tree = TREES.readTree(body);
            if (tree != null && !tree.isMissingNode()) {
                return tree;
            }
        } catch (IOException e) {
            // an answer, but not the engine's JSON (e.g. a proxy's page): said as such, not as "unreachable"
        }
        throw new DockerException("the reply to GET " + pathAndQuery + " is not JSON", status);
    }

    /** The object's {@code Labels} (empty when it has none). */
    public static Map<String, String> labels(JsonNode object) {
        Map<String, String> labels = new LinkedHashMap<>();
        object.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    /** A listed container's first name without the leading slash; empty when it has none. */
    public static String firstName(JsonNode container) {
        JsonNode names = container.path("Names");
        return names.isArray() && !names.isEmpty() ? names.get(0).asText("").replaceFirst("^/", "") : "";
    }

    /** The field as text; null when it is absent or null. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
