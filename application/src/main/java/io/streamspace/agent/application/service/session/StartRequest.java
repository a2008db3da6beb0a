package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.domain.resource.InvalidQuantityException;
import io.streamspace.agent.domain.resource.Quantities;
import io.streamspace.agent.domain.session.GoDuration;
import io.streamspace.agent.domain.session.SessionId;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A validated {@code start_session} payload (control-plane protocol §4.1).
 *
 * @param memoryBytes 0 when neither the payload nor the template says (no limit)
 * @param cpuMillis   0 when neither the payload nor the template says (no limit)
 * @param vncPort     the template's {@code vnc.port}, else the port named {@code vnc}, else the first port; null
 *                    when the template has no ports
 * @param idleTimeout null for none
 * @param maxDuration null for none
 */
public record StartRequest(SessionId sessionId, String user, String template, String image,
                           Map<String, String> environment, List<TemplatePort> ports, List<TemplateMount> mounts,
                           Integer vncPort, long memoryBytes, long cpuMillis, boolean persistentHome,
                           Duration idleTimeout, Duration maxDuration) {

    private static final System.Logger LOG = System.getLogger("DockerAgent");
    private static final Pattern MOUNT_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final Pattern ENV_NAME = Pattern.compile("[^=\\x00]+");

    public record TemplatePort(String name, int containerPort, String protocol) {}

    public record TemplateMount(String name, String mountPath) {}

    public static StartRequest from(Map<String, Object> payload) throws CommandFailedException {
        SessionId sessionId = Payloads.sessionId(payload);
        String user = Payloads.requiredString(payload, "user");
        String template = Payloads.requiredString(payload, "template");
        Map<String, Object> manifest = Payloads.optionalObject(payload, "templateManifest");
        if (manifest == null) {
            throw new CommandFailedException("templateManifest is required");
        }
        Map<String, Object> spec = Payloads.optionalObject(manifest, "spec");
        if (spec == null) {
            throw new CommandFailedException("templateManifest.spec is required");
        }
        String image;
        try {
            image = Payloads.requiredString(spec, "baseImage").strip();
        } catch (CommandFailedException e) {
            throw new CommandFailedException("templateManifest.spec." + e.getMessage());
        }

        Map<String, Object> defaults = Payloads.optionalObject(spec, "defaultResources");
        String memory = firstNonBlank(Payloads.optionalString(payload, "memory"),
                Payloads.optionalString(defaults, "memory"));
        String cpu = firstNonBlank(Payloads.optionalString(payload, "cpu"), Payloads.optionalString(defaults, "cpu"));
        long memoryBytes;
        long cpuMillis;
        try {
            memoryBytes = memory == null ? 0 : Quantities.memoryBytes(memory);
            cpuMillis = cpu == null ? 0 : Quantities.cpuMillis(cpu);
        } catch (InvalidQuantityException e) {
            throw new CommandFailedException(e.getMessage());
        }

        Map<String, String> env = new LinkedHashMap<>();
        for (Object item : Payloads.optionalList(spec, "env")) {
            if (!(item instanceof Map<?, ?> entry) || !(entry.get("name") instanceof String name)
                    || !ENV_NAME.matcher(name).matches()) {
                throw new CommandFailedException("templateManifest.spec.env entries need a name (got " + item + ")");
            }
            Object value = entry.get("value");
            if (value == null && entry.get("valueFrom") != null) {
                LOG.log(Level.WARNING, "Session {0}: env {1} uses valueFrom, which the Docker agent cannot resolve;"
                        + " skipped", sessionId, name);
                continue;
            }
            env.put(name, value == null ? "" : String.valueOf(value));
        }
        env.put("USER", user);
        env.put("SESSION_ID", sessionId.value());

        List<TemplatePort> ports = new ArrayList<>();
        for (Object item : Payloads.optionalList(spec, "ports")) {
            if (!(item instanceof Map<?, ?>)) {
                throw new CommandFailedException("templateManifest.spec.ports entries must be objects");
            }
            @SuppressWarnings("unchecked") Map<String, Object> port = (Map<String, Object>) item;
            Integer number = Payloads.optionalInt(port, "containerPort", 1, 65535);
            if (number == null) {
                throw new CommandFailedException("templateManifest.spec.ports entries need a containerPort");
            }
            String protocol = Payloads.optionalString(port, "protocol");
            protocol = protocol == null || protocol.isBlank() ? "tcp" : protocol.toLowerCase(Locale.ROOT);
            if (!protocol.equals("tcp") && !protocol.equals("udp") && !protocol.equals("sctp")) {
                throw new CommandFailedException("port " + number + " has unknown protocol " + protocol);
            }
            ports.add(new TemplatePort(Payloads.optionalString(port, "name"), number, protocol));
        }

        List<TemplateMount> mounts = new ArrayList<>();
        for (Object item : Payloads.optionalList(spec, "volumeMounts")) {
            if (!(item instanceof Map<?, ?>)) {
                throw new CommandFailedException("templateManifest.spec.volumeMounts entries must be objects");
            }
            @SuppressWarnings("unchecked") Map<String, Object> mount = (Map<String, Object>) item;
            String name = Payloads.optionalString(mount, "name");
            String path = Payloads.optionalString(mount, "mountPath");
            if (name == null || !MOUNT_NAME.matcher(name).matches()) {
                throw new CommandFailedException("volumeMount name \"" + name + "\" is invalid: use letters, digits,"
                        + " '_', '.' and '-'");
            }
            if (name.equals("home")) {
                throw new CommandFailedException("volumeMount name \"home\" is reserved for the persistent home");
            }
            if (path == null || !path.startsWith("/")) {
                throw new CommandFailedException("volumeMount " + name + " needs an absolute mountPath");
            }
            mounts.add(new TemplateMount(name, path));
        }

        Map<String, Object> vnc = Payloads.optionalObject(spec, "vnc");
        Integer vncPort = vnc == null ? null : Payloads.optionalInt(vnc, "port", 1, 65535);
        if (vncPort == null) {
            vncPort = ports.stream().filter(p -> "vnc".equalsIgnoreCase(p.name())).map(TemplatePort::containerPort)
                    .findFirst().orElse(ports.isEmpty() ? null : ports.get(0).containerPort());
        }

        Duration idle;
        Duration max;
        try {
            idle = GoDuration.parseLimit("idleTimeout", Payloads.optionalString(payload, "idleTimeout")).orElse(null);
            max = GoDuration.parseLimit("maxSessionDuration", Payloads.optionalString(payload, "maxSessionDuration"))
                    .orElse(null);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage());
        }
        return new StartRequest(sessionId, user, template, image, Map.copyOf(env), List.copyOf(ports),
                List.copyOf(mounts), vncPort, memoryBytes, cpuMillis,
                Payloads.optionalBoolean(payload, "persistentHome"), idle, max);
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b == null || b.isBlank() ? null : b;
    }
}
