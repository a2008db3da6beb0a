package io.streamspace.agent.testkit.controlplane;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** start_session payloads as the control plane builds them (protocol §4.1), for the tests that start sessions. */
public final class StartSessionPayloads {

    private StartSessionPayloads() {
    }

    /**
     * The payload for the "vnc-echo" template on {@code image}: user alice, 64Mi and 250m, no persistent home. Every
     * map in it is mutable, so a test can add what it needs (see {@link #templateSpec}).
     */
    public static Map<String, Object> vncEcho(String sessionId, String image) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("displayName", "VNC echo");
        spec.put("baseImage", image);
        spec.put("defaultResources", Map.of("memory", "128Mi", "cpu", "500m"));
        spec.put("ports", List.of(Map.of("name", "vnc", "containerPort", 5900, "protocol", "TCP")));
        spec.put("vnc", Map.of("enabled", true, "port", 5900));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("apiVersion", "stream.space/v1alpha1");
        manifest.put("kind", "Template");
        manifest.put("metadata", Map.of("name", "vnc-echo", "namespace", "streamspace"));
        manifest.put("spec", spec);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("sessionId", sessionId);
        payload.put("user", "alice");
        payload.put("template", "vnc-echo");
        payload.put("templateManifest", manifest);
        payload.put("namespace", "streamspace");
        payload.put("memory", "64Mi");
        payload.put("cpu", "250m");
        payload.put("persistentHome", false);
        return payload;
    }

    /** The template spec inside a payload from {@link #vncEcho}, to add to. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> templateSpec(Map<String, Object> payload) {
        return (Map<String, Object>) ((Map<String, Object>) payload.get("templateManifest")).get("spec");
    }
}
