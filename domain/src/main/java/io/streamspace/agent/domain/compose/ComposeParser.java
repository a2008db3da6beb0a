package io.streamspace.agent.domain.compose;

import io.streamspace.agent.domain.compose.ComposeModel.NetworkSpec;
import io.streamspace.agent.domain.compose.ComposeModel.VolumeSpec;
import io.streamspace.agent.domain.compose.ServiceSpec.Condition;
import io.streamspace.agent.domain.compose.ServiceSpec.Healthcheck;
import io.streamspace.agent.domain.compose.ServiceSpec.Mount;
import io.streamspace.agent.domain.compose.ServiceSpec.Port;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a parsed, interpolated Compose file (plain maps, lists and scalars, as a YAML parser gives them) to a
 * {@link ComposeModel}, checking it against the subset this engine supports. Any key outside the subset is refused
 * with its path ({@code services.web.build: not supported by this engine}), never ignored. Top-level {@code version}
 * (informational in the Compose specification) and {@code x-*} extension keys are accepted and not used.
 */
public final class ComposeParser {

    /** Reads an {@code env_file}: the {@code KEY=VALUE} pairs of the file at {@code path}. */
    @FunctionalInterface
    public interface EnvFiles {
        Map<String, String> read(String path);

        /** For files that did not come from a directory (e.g. a stack sent by the control plane). */
        EnvFiles NONE = path -> {
            throw new ComposeFileException("", "env_file " + path + " cannot be read: this stack has no project"
                    + " directory; put the variables under environment instead");
        };
    }

    static final Set<String> TOP_LEVEL = Set.of("version", "name", "services", "networks", "volumes");
    static final Set<String> SERVICE_KEYS = Set.of("image", "command", "entrypoint", "environment", "env_file",
            "ports", "volumes", "networks", "depends_on", "restart", "labels", "healthcheck", "deploy", "mem_limit",
            "cpus", "user", "working_dir", "container_name", "hostname", "cap_add", "cap_drop", "read_only",
            "security_opt", "profiles");
    private static final Set<String> OBJECT_KEYS = Set.of("external", "name", "driver", "labels");
    private static final Set<String> HEALTH_KEYS = Set.of("test", "interval", "timeout", "retries", "start_period",
            "disable");
    private static final Pattern KEY = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]*");
    private static final Pattern RESTART = Pattern.compile("no|always|unless-stopped|on-failure(:[0-9]+)?");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|ms|us|ns|m|s)");
    private static final Pattern MEMORY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([bkmg]?)b?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PORT = Pattern.compile(
            "(?:(?:\\[?([0-9a-fA-F:.]+?)]?:)?([0-9]*):)?([0-9]+)(?:/(tcp|udp|sctp))?");

    private ComposeParser() {}

    /**
     * @param document  the file, parsed and already passed through {@link Interpolation}
     * @param variables the interpolation variables, used for {@code environment} entries without a value
     * @param envFiles  how {@code env_file} entries are read
     */
    public static ComposeModel parse(Map<String, Object> document, Map<String, String> variables, EnvFiles envFiles) {
        if (document == null) {
            throw new ComposeFileException("", "the Compose file is empty");
        }
        for (String key : document.keySet()) {
            if (!TOP_LEVEL.contains(key) && !key.startsWith("x-")) {
                throw unsupported(key);
            }
        }
        String name = optionalString(document.get("name"), "name");
        Map<String, Object> servicesRaw = map(document.get("services"), "services");
        if (servicesRaw.isEmpty()) {
            throw new ComposeFileException("services", "at least one service is required");
        }
        Map<String, NetworkSpec> networks = new LinkedHashMap<>();
        map(document.get("networks"), "networks").forEach((key, raw) ->
                networks.put(checkKey(key, "networks"), network(key, raw)));
        Map<String, VolumeSpec> volumes = new LinkedHashMap<>();
        map(document.get("volumes"), "volumes").forEach((key, raw) ->
                volumes.put(checkKey(key, "volumes"), volume(key, raw)));
        Map<String, ServiceSpec> services = new LinkedHashMap<>();
        Map<String, String> containerNames = new TreeMap<>();
        for (Map.Entry<String, Object> e : servicesRaw.entrySet()) {
            String key = checkKey(e.getKey(), "services");
            ServiceSpec service = service(key, map(e.getValue(), "services." + key), variables, envFiles);
            for (String net : service.networks().keySet()) {
                if (!networks.containsKey(net)) {
                    if (!"default".equals(net)) {
                        throw new ComposeFileException("services." + key + ".networks." + net,
                                "network " + net + " is not declared under the top-level networks");
                    }
                    networks.put("default", new NetworkSpec("default", false, null, null, null));
                }
            }
            for (int i = 0; i < service.volumes().size(); i++) {
                Mount m = service.volumes().get(i);
                if ("volume".equals(m.type()) && m.source() != null && !volumes.containsKey(m.source())) {
                    throw new ComposeFileException("services." + key + ".volumes[" + i + "]",
                            "volume " + m.source() + " is not declared under the top-level volumes");
                }
            }
            if (service.containerName() != null) {
                String other = containerNames.put(service.containerName(), key);
                if (other != null) {
                    throw new ComposeFileException("services." + key + ".container_name",
                            "container name " + service.containerName() + " is also used by service " + other);
                }
            }
            services.put(key, service);
        }
        services.forEach((key, service) -> service.dependsOn().keySet().forEach(dep -> {
            if (!services.containsKey(dep)) {
                throw new ComposeFileException("services." + key + ".depends_on." + dep,
                        "depends on undefined service " + dep);
            }
        }));
        ComposeModel model = new ComposeModel(name, services, networks, volumes);
        model.startOrder(); // refuses cycles now rather than at up
        return model;
    }

    // --- services ---------------------------------------------------------------------------------------------

    private static ServiceSpec service(String key, Map<String, Object> raw, Map<String, String> variables,
                                       EnvFiles envFiles) {
        String p = "services." + key;
        for (String k : raw.keySet()) {
            if (!SERVICE_KEYS.contains(k)) {
                throw unsupported(p + "." + k);
            }
        }
        String image = optionalString(raw.get("image"), p + ".image");
        if (image == null || image.isBlank()) {
            throw new ComposeFileException(p + ".image", "is required (this engine does not build images)");
        }
        Map<String, String> environment = new TreeMap<>();
        for (String file : stringOrList(raw.get("env_file"), p + ".env_file")) {
            environment.putAll(envFiles.read(file));
        }
        environment.putAll(environment(raw.get("environment"), p + ".environment", variables));

        Long memory = raw.containsKey("mem_limit") ? memory(raw.get("mem_limit"), p + ".mem_limit") : null;
        Long nanoCpus = raw.containsKey("cpus") ? cpus(raw.get("cpus"), p + ".cpus") : null;
        Map<String, Object> deploy = map(raw.get("deploy"), p + ".deploy");
        if (!deploy.isEmpty()) {
            only(deploy, Set.of("resources"), p + ".deploy");
            Map<String, Object> resources = map(deploy.get("resources"), p + ".deploy.resources");
            only(resources, Set.of("limits"), p + ".deploy.resources");
            Map<String, Object> limits = map(resources.get("limits"), p + ".deploy.resources.limits");
            only(limits, Set.of("cpus", "memory"), p + ".deploy.resources.limits");
            if (limits.containsKey("memory")) {
                memory = memory(limits.get("memory"), p + ".deploy.resources.limits.memory");
            }
            if (limits.containsKey("cpus")) {
                nanoCpus = cpus(limits.get("cpus"), p + ".deploy.resources.limits.cpus");
            }
        }
        String restart = optionalString(raw.get("restart"), p + ".restart");
        if (restart != null && !RESTART.matcher(restart).matches()) {
            throw new ComposeFileException(p + ".restart", "must be no, always, unless-stopped or on-failure[:N],"
                    + " got \"" + restart + "\"");
        }
        Object readOnly = raw.get("read_only");
        if (readOnly != null && !(readOnly instanceof Boolean)) {
            throw new ComposeFileException(p + ".read_only", "must be true or false, got " + describe(readOnly));
        }
        Map<String, List<String>> networks = networks(raw.get("networks"), p + ".networks");
        if (networks.isEmpty()) {
            networks.put("default", List.of());
        }
        return new ServiceSpec(key, image,
                commandLike(raw.get("command"), p + ".command"),
                commandLike(raw.get("entrypoint"), p + ".entrypoint"),
                environment,
                ports(raw.get("ports"), p + ".ports"),
                mounts(raw.get("volumes"), p + ".volumes"),
                networks,
                dependsOn(raw.get("depends_on"), p + ".depends_on"),
                restart,
                labels(raw.get("labels"), p + ".labels"),
                healthcheck(raw.get("healthcheck"), p + ".healthcheck"),
                memory, nanoCpus,
                optionalString(raw.get("user"), p + ".user"),
                optionalString(raw.get("working_dir"), p + ".working_dir"),
                optionalString(raw.get("container_name"), p + ".container_name"),
                optionalString(raw.get("hostname"), p + ".hostname"),
                stringList(raw.get("cap_add"), p + ".cap_add"),
                stringList(raw.get("cap_drop"), p + ".cap_drop"),
                Boolean.TRUE.equals(readOnly),
                stringList(raw.get("security_opt"), p + ".security_opt"),
                stringList(raw.get("profiles"), p + ".profiles"));
    }

    private static Map<String, String> environment(Object raw, String path, Map<String, String> variables) {
        Map<String, String> env = new TreeMap<>();
        if (raw instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                String entry = scalar(list.get(i), path + "[" + i + "]");
                int eq = entry.indexOf('=');
                if (eq == 0) {
                    throw new ComposeFileException(path + "[" + i + "]", "expected NAME=value, got \"" + entry + "\"");
                }
                if (eq < 0) {
                    String fromShell = variables.get(entry); // "NAME" alone: taken from the environment if set
                    if (fromShell != null) {
                        env.put(entry, fromShell);
                    }
                } else {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
        } else {
            map(raw, path).forEach((k, v) -> {
                if (v == null) {
                    String fromShell = variables.get(k);
                    if (fromShell != null) {
                        env.put(k, fromShell);
                    }
                } else {
                    env.put(k, scalar(v, path + "." + k));
                }
            });
        }
        return env;
    }

    private static Map<String, String> labels(Object raw, String path) {
        Map<String, String> labels = new TreeMap<>();
        if (raw instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                String entry = scalar(list.get(i), path + "[" + i + "]");
                int eq = entry.indexOf('=');
                labels.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
            }
        } else {
            map(raw, path).forEach((k, v) -> labels.put(k, v == null ? "" : scalar(v, path + "." + k)));
        }
        for (String k : labels.keySet()) {
            if (k.startsWith("com.docker.compose.")) {
                throw new ComposeFileException(path + "." + k, "labels under com.docker.compose. are reserved for"
                        + " the engine");
            }
        }
        return labels;
    }

    private static List<Port> ports(Object raw, String path) {
        List<Port> ports = new ArrayList<>();
        List<?> list = list(raw, path);
        for (int i = 0; i < list.size(); i++) {
            String p = path + "[" + i + "]";
            Object entry = list.get(i);
            if (entry instanceof Map<?, ?>) {
                Map<String, Object> m = map(entry, p);
                only(m, Set.of("target", "published", "host_ip", "protocol"), p);
                int target = port(m.get("target"), p + ".target", false);
                Integer published = m.get("published") == null ? null : port(m.get("published"), p + ".published", false);
                String protocol = optionalString(m.get("protocol"), p + ".protocol");
                ports.add(new Port(optionalString(m.get("host_ip"), p + ".host_ip"), published, target,
                        protocol == null ? "tcp" : protocol));
            } else {
                String text = scalar(entry, p);
                Matcher matcher = PORT.matcher(text);
                if (!matcher.matches()) {
                    throw new ComposeFileException(p, "expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], got \""
                            + text + "\" (port ranges are not supported by this engine)");
                }
                String host = matcher.group(2);
                ports.add(new Port(matcher.group(1),
                        host == null || host.isEmpty() ? null : port(host, p, false),
                        port(matcher.group(3), p, false),
                        matcher.group(4) == null ? "tcp" : matcher.group(4)));
            }
        }
        return ports;
    }

    private static int port(Object raw, String path, boolean zeroAllowed) {
        String text = scalar(raw, path);
        try {
            int n = Integer.parseInt(text);
            if (n >= (zeroAllowed ? 0 : 1) && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ComposeFileException(path, "expected a port number 1-65535, got \"" + text + "\"");
    }

    private static List<Mount> mounts(Object raw, String path) {
        List<Mount> mounts = new ArrayList<>();
        List<?> list = list(raw, path);
        for (int i = 0; i < list.size(); i++) {
            String p = path + "[" + i + "]";
            Object entry = list.get(i);
            if (entry instanceof Map<?, ?>) {
                Map<String, Object> m = map(entry, p);
                only(m, Set.of("type", "source", "target", "read_only"), p);
                String type = optionalString(m.get("type"), p + ".type");
                if (!"volume".equals(type) && !"bind".equals(type)) {
                    throw new ComposeFileException(p + ".type", "must be volume or bind, got " + describe(type));
                }
                String target = optionalString(m.get("target"), p + ".target");
                if (target == null) {
                    throw new ComposeFileException(p + ".target", "is required");
                }
                String source = optionalString(m.get("source"), p + ".source");
                if ("bind".equals(type) && source == null) {
                    throw new ComposeFileException(p + ".source", "is required for a bind mount");
                }
                mounts.add(new Mount(type, source, target, Boolean.TRUE.equals(m.get("read_only"))));
            } else {
                String text = scalar(entry, p);
                String[] parts = text.split(":", -1);
                if (parts.length == 1) {
                    mounts.add(new Mount("volume", null, parts[0], false));
                    continue;
                }
                if (parts.length > 3 || parts.length == 3 && !Set.of("ro", "rw").contains(parts[2])) {
                    throw new ComposeFileException(p, "expected SOURCE:TARGET[:ro|rw], got \"" + text + "\"");
                }
                String source = parts[0];
                boolean bind = source.startsWith("/") || source.startsWith(".") || source.startsWith("~");
                mounts.add(new Mount(bind ? "bind" : "volume", source, parts[1],
                        parts.length == 3 && "ro".equals(parts[2])));
            }
        }
        return mounts;
    }

    private static Map<String, List<String>> networks(Object raw, String path) {
        Map<String, List<String>> networks = new TreeMap<>();
        if (raw instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                networks.put(scalar(list.get(i), path + "[" + i + "]"), List.of());
            }
            return networks;
        }
        map(raw, path).forEach((net, cfg) -> {
            Map<String, Object> c = map(cfg, path + "." + net);
            only(c, Set.of("aliases"), path + "." + net);
            networks.put(net, stringList(c.get("aliases"), path + "." + net + ".aliases"));
        });
        return networks;
    }

    private static Map<String, Condition> dependsOn(Object raw, String path) {
        Map<String, Condition> deps = new TreeMap<>();
        if (raw instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                deps.put(scalar(list.get(i), path + "[" + i + "]"), Condition.SERVICE_STARTED);
            }
            return deps;
        }
        map(raw, path).forEach((dep, cfg) -> {
            Map<String, Object> c = map(cfg, path + "." + dep);
            only(c, Set.of("condition"), path + "." + dep);
            String condition = optionalString(c.get("condition"), path + "." + dep + ".condition");
            Condition parsed = null;
            for (Condition candidate : Condition.values()) {
                if (candidate.composeName().equals(condition == null ? "service_started" : condition)) {
                    parsed = candidate;
                }
            }
            if (parsed == null) {
                throw new ComposeFileException(path + "." + dep + ".condition", "must be service_started,"
                        + " service_healthy or service_completed_successfully, got \"" + condition + "\"");
            }
            deps.put(dep, parsed);
        });
        return deps;
    }

    private static Healthcheck healthcheck(Object raw, String path) {
        if (raw == null) {
            return null;
        }
        Map<String, Object> m = map(raw, path);
        only(m, HEALTH_KEYS, path);
        if (Boolean.TRUE.equals(m.get("disable"))) {
            return new Healthcheck(List.of("NONE"), null, null, null, null);
        }
        Object test = m.get("test");
        List<String> command;
        if (test instanceof String s) {
            command = List.of("CMD-SHELL", s);
        } else {
            command = stringList(test, path + ".test");
            if (command.isEmpty() || !Set.of("CMD", "CMD-SHELL", "NONE").contains(command.get(0))) {
                throw new ComposeFileException(path + ".test", "must be a string or a list starting with CMD,"
                        + " CMD-SHELL or NONE, got " + describe(test));
            }
        }
        Object retries = m.get("retries");
        if (retries != null && !(retries instanceof Integer || retries instanceof Long)) {
            throw new ComposeFileException(path + ".retries", "must be a whole number, got " + describe(retries));
        }
        return new Healthcheck(command, duration(m.get("interval"), path + ".interval"),
                duration(m.get("timeout"), path + ".timeout"),
                retries == null ? null : ((Number) retries).intValue(),
                duration(m.get("start_period"), path + ".start_period"));
    }

    // --- networks and volumes ---------------------------------------------------------------------------------

    private static NetworkSpec network(String key, Object raw) {
        String p = "networks." + key;
        Map<String, Object> m = map(raw, p);
        only(m, OBJECT_KEYS, p);
        return new NetworkSpec(key, external(m.get("external"), p + ".external"),
                optionalString(m.get("name"), p + ".name"), optionalString(m.get("driver"), p + ".driver"),
                labels(m.get("labels"), p + ".labels"));
    }

    private static VolumeSpec volume(String key, Object raw) {
        String p = "volumes." + key;
        Map<String, Object> m = map(raw, p);
        only(m, OBJECT_KEYS, p);
        return new VolumeSpec(key, external(m.get("external"), p + ".external"),
                optionalString(m.get("name"), p + ".name"), optionalString(m.get("driver"), p + ".driver"),
                labels(m.get("labels"), p + ".labels"));
    }

    private static boolean external(Object raw, String path) {
        if (raw == null || raw instanceof Boolean) {
            return Boolean.TRUE.equals(raw);
        }
        throw new ComposeFileException(path, "must be true or false (the old external.name form is not supported by"
                + " this engine: use name), got " + describe(raw));
    }

    // --- values -----------------------------------------------------------------------------------------------

    /** Compose durations: {@code 1m30s}, {@code 500ms}, {@code 10s}; a bare number is seconds. */
    static Duration duration(Object raw, String path) {
        if (raw == null) {
            return null;
        }
        String text = scalar(raw, path).strip();
        if (text.matches("[0-9]+")) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        Matcher m = DURATION_PART.matcher(text);
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            BigDecimal amount = new BigDecimal(m.group(1));
            long unit = switch (m.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                case "ms" -> 1_000_000L;
                case "us" -> 1_000L;
                default -> 1L;
            };
            nanos += amount.multiply(BigDecimal.valueOf(unit)).longValue();
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw new ComposeFileException(path, "expected a duration such as 10s, 1m30s or 500ms, got \"" + text + "\"");
        }
        return Duration.ofNanos(nanos);
    }

    /** Compose memory sizes: bytes, or a number with b, k, m, g (binary multiples; kb/mb/gb too). */
    static long memory(Object raw, String path) {
        String text = scalar(raw, path).strip();
        Matcher m = MEMORY.matcher(text);
        if (!m.matches()) {
            throw new ComposeFileException(path, "expected a size such as 512m or 1g, got \"" + text + "\"");
        }
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1L;
        };
        return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).longValue();
    }

    static long cpus(Object raw, String path) {
        String text = scalar(raw, path).strip();
        try {
            BigDecimal cpus = new BigDecimal(text);
            if (cpus.signum() > 0) {
                return cpus.movePointRight(9).longValue();
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ComposeFileException(path, "expected a positive number of CPUs such as 0.5, got \"" + text + "\"");
    }

    private static List<String> commandLike(Object raw, String path) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof String s) {
            return ShellWords.split(s, path);
        }
        return stringList(raw, path);
    }

    private static List<String> stringOrList(Object raw, String path) {
        if (raw instanceof String s) {
            return List.of(s);
        }
        return stringList(raw, path);
    }

    private static List<String> stringList(Object raw, String path) {
        List<String> out = new ArrayList<>();
        List<?> list = list(raw, path);
        for (int i = 0; i < list.size(); i++) {
            out.add(scalar(list.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    private static List<?> list(Object raw, String path) {
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof List<?> list) {
            return list;
        }
        throw new ComposeFileException(path, "expected a list, got " + describe(raw));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object raw, String path) {
        if (raw == null) {
            return new LinkedHashMap<>();
        }
        if (raw instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!(k instanceof String)) {
                    throw new ComposeFileException(path, "keys must be strings, got " + describe(k));
                }
            }
            return (Map<String, Object>) m;
        }
        throw new ComposeFileException(path, "expected a mapping, got " + describe(raw));
    }

    private static String scalar(Object raw, String path) {
        if (raw instanceof String s) {
            return s;
        }
        if (raw instanceof Number || raw instanceof Boolean) {
            return String.valueOf(raw);
        }
        throw new ComposeFileException(path, "expected a string, got " + describe(raw));
    }

    private static String optionalString(Object raw, String path) {
        return raw == null ? null : scalar(raw, path);
    }

    private static void only(Map<String, Object> m, Set<String> allowed, String path) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw unsupported(path + "." + k);
            }
        }
    }

    private static String checkKey(String key, String path) {
        if (!KEY.matcher(key).matches()) {
            throw new ComposeFileException(path + "." + key, "invalid name (letters, digits, '.', '_', '-')");
        }
        return key;
    }

    private static ComposeFileException unsupported(String path) {
        return new ComposeFileException(path, "not supported by this engine");
    }

    private static String describe(Object raw) {
        if (raw == null) {
            return "nothing";
        }
        String type = raw instanceof Map<?, ?> ? "a mapping" : raw instanceof List<?> ? "a list"
                : raw instanceof String ? "a string" : "a " + raw.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        return type + " (" + raw + ")";
    }
}
