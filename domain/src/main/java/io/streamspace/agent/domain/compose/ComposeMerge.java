package io.streamspace.agent.domain.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges Compose files given as {@code -f a.yml -f b.yml}, later files over earlier ones, with docker-compose's rules
 * (1.29, {@code config.merge_service_dicts}), on the documents as read (before interpolation):
 * <ul>
 *   <li>services and top-level networks and volumes merge key by key;</li>
 *   <li>in a service, {@code environment}, {@code labels}, {@code depends_on}, {@code networks}, {@code deploy} and
 *       {@code healthcheck} merge as mappings (list forms are turned into mappings first), {@code volumes} merge by
 *       container path, {@code ports}, {@code cap_add}, {@code cap_drop}, {@code security_opt} and {@code profiles}
 *       are united without duplicates, {@code env_file} lists are concatenated;</li>
 *   <li>every other key ({@code image}, {@code command}, {@code entrypoint}, ...) is replaced by the later file.</li>
 * </ul>
 * Pure: maps and lists in, new maps and lists out.
 */
public final class ComposeMerge {

    private static final Set<String> MAPPINGS = Set.of("environment", "labels", "depends_on", "networks", "deploy",
            "healthcheck");
    private static final Set<String> UNIQUE_LISTS = Set.of("ports", "cap_add", "cap_drop", "security_opt",
            "profiles");

    private ComposeMerge() {
    }

    /** The documents merged in order; one document comes back as it is. */
    public static Map<String, Object> merge(List<Map<String, Object>> documents) {
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("no Compose file to merge");
        }
        Map<String, Object> merged = new LinkedHashMap<>(documents.get(0));
        for (Map<String, Object> next : documents.subList(1, documents.size())) {
            for (Map.Entry<String, Object> e : next.entrySet()) {
                String key = e.getKey();
                Object value = e.getValue();
                switch (key) {
                    case "services" -> merged.put(key, mergeEach(merged.get(key), value, "services",
                            ComposeMerge::mergeService));
                    case "networks", "volumes" -> merged.put(key, mergeEach(merged.get(key), value, key,
                            (base, over, path) -> deepMerge(base, over)));
                    default -> merged.put(key, value);
                }
            }
        }
        return merged;
    }

    private interface EntryMerge {
        Map<String, Object> apply(Map<String, Object> base, Map<String, Object> override, String path);
    }

    private static Map<String, Object> mergeEach(Object base, Object override, String path, EntryMerge merge) {
        Map<String, Object> result = new LinkedHashMap<>(mapping(base, path));
        for (Map.Entry<String, Object> e : mapping(override, path).entrySet()) {
            Object existing = result.get(e.getKey());
            if (existing == null || e.getValue() == null) {
                result.put(e.getKey(), e.getValue() == null ? existing : e.getValue());
            } else {
                String at = path + "." + e.getKey();
                result.put(e.getKey(), merge.apply(mapping(existing, at), mapping(e.getValue(), at), at));
            }
        }
        return result;
    }

    private static Map<String, Object> mergeService(Map<String, Object> base, Map<String, Object> override,
                                                    String path) {
        Map<String, Object> result = new LinkedHashMap<>(base);
        for (Map.Entry<String, Object> e : override.entrySet()) {
            String key = e.getKey();
            Object over = e.getValue();
            Object existing = result.get(key);
            String at = path + "." + key;
            if (existing == null || over == null) {
                result.put(key, over == null ? existing : over);
            } else if (MAPPINGS.contains(key)) {
                result.put(key, deepMerge(asMapping(existing, key, at), asMapping(over, key, at)));
            } else if (UNIQUE_LISTS.contains(key)) {
                Set<Object> union = new LinkedHashSet<>(list(existing, at));
                union.addAll(list(over, at));
                result.put(key, new ArrayList<>(union));
            } else if ("volumes".equals(key)) {
                result.put(key, mergeVolumes(list(existing, at), list(over, at)));
            } else if ("env_file".equals(key)) {
                List<Object> files = new ArrayList<>(stringOrList(existing));
                files.addAll(stringOrList(over));
                result.put(key, files);
            } else {
                result.put(key, over);
            }
        }
        return result;
    }

    /** Mappings merged key by key, recursively; anything else in the override replaces the base. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> result = new LinkedHashMap<>(base);
        for (Map.Entry<String, Object> e : override.entrySet()) {
            Object existing = result.get(e.getKey());
            if (existing instanceof Map<?, ?> b && e.getValue() instanceof Map<?, ?> o) {
                result.put(e.getKey(), deepMerge((Map<String, Object>) b, (Map<String, Object>) o));
            } else {
                result.put(e.getKey(), e.getValue());
            }
        }
        return result;
    }

    /** Volumes by container path: a later mount of the same path replaces the earlier one, in its place. */
    private static List<Object> mergeVolumes(List<Object> base, List<Object> override) {
        Map<String, Object> byTarget = new LinkedHashMap<>();
        for (Object mount : base) {
            byTarget.put(target(mount), mount);
        }
        for (Object mount : override) {
            byTarget.put(target(mount), mount);
        }
        return new ArrayList<>(byTarget.values());
    }

    private static String target(Object mount) {
        if (mount instanceof Map<?, ?> m) {
            return String.valueOf(m.get("target"));
        }
        String[] parts = String.valueOf(mount).split(":");
        return parts.length == 1 ? parts[0] : parts[1];
    }

    /** The list forms of environment, labels, depends_on and networks as mappings. */
    private static Map<String, Object> asMapping(Object value, String key, String path) {
        if (!(value instanceof List<?> items)) {
            return mapping(value, path);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        for (Object item : items) {
            String text = String.valueOf(item);
            switch (key) {
                case "environment", "labels" -> {
                    int eq = text.indexOf('=');
                    result.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? null : text.substring(eq + 1));
                }
                case "depends_on" -> result.put(text, Map.of("condition", "service_started"));
                default -> result.put(text, null);
            }
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Object value, String path) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new ComposeFileException(path, "must be a mapping to merge, got " + value);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String path) {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new ComposeFileException(path, "must be a list to merge, got " + value);
    }

    private static List<Object> stringOrList(Object value) {
        return value instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>(List.of(value));
    }
}
