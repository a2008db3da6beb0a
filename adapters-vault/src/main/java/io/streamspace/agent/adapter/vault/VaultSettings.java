package io.streamspace.agent.adapter.vault;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the agent's secrets are in Vault (KV version 2) and how to get there.
 *
 * <p>{@code VAULT_AGENT_PATH_PREFIX} is split into the KV mount (its first segment) and the path inside the mount:
 * {@code secret/agent} is mount {@code secret}, path {@code agent}, so the secret {@code status_panel_token} of
 * deployment {@code h1} is read at {@code GET {address}/v1/secret/data/agent/h1/status_panel_token}.
 *
 * @param address        {@code VAULT_ADDRESS}, e.g. {@code https://vault:8200} (no trailing {@code /v1})
 * @param token          {@code VAULT_TOKEN}, sent as {@code X-Vault-Token}; never shown by {@link #toString()}
 * @param mount          the KV v2 mount, e.g. {@code secret}
 * @param path           the path inside the mount before the deployment hash, e.g. {@code agent}; may be empty
 * @param deploymentHash {@code DEPLOYMENT_HASH}
 * @param requestTimeout limit for one HTTP exchange with Vault
 */
public record VaultSettings(URI address, String token, String mount, String path, String deploymentHash,
                            Duration requestTimeout) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    public VaultSettings {
        Objects.requireNonNull(address, "address");
        if (!("http".equals(address.getScheme()) || "https".equals(address.getScheme())) || address.getHost() == null) {
            throw new IllegalArgumentException("VAULT_ADDRESS must be an http:// or https:// URL, got " + address);
        }
        String text = address.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        address = URI.create(text);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("VAULT_TOKEN must not be blank");
        }
        requireSegments("the KV mount", mount, false);
        path = path == null ? "" : trimSlashes(path);
        requireSegments("the path inside the mount", path, true);
        requireSegments("DEPLOYMENT_HASH", deploymentHash, false);
        if (deploymentHash.contains("/")) {
            throw new IllegalArgumentException("DEPLOYMENT_HASH must be one path segment, got '" + deploymentHash + "'");
        }
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
    }

    /**
     * Settings from the environment's values: {@code pathPrefix} is {@code VAULT_AGENT_PATH_PREFIX} ({@code secret/agent}
     * → mount {@code secret}, path {@code agent}; leading and trailing slashes are ignored).
     */
    public static VaultSettings fromPathPrefix(URI address, String token, String pathPrefix, String deploymentHash) {
        if (pathPrefix == null || trimSlashes(pathPrefix).isEmpty()) {
            throw new IllegalArgumentException("VAULT_AGENT_PATH_PREFIX must name at least the KV mount, e.g. secret/agent");
        }
        String prefix = trimSlashes(pathPrefix);
        int slash = prefix.indexOf('/');
        String mount = slash < 0 ? prefix : prefix.substring(0, slash);
        String path = slash < 0 ? "" : prefix.substring(slash + 1);
        return new VaultSettings(address, token, mount, path, deploymentHash, DEFAULT_REQUEST_TIMEOUT);
    }

    public VaultSettings withRequestTimeout(Duration timeout) {
        return new VaultSettings(address, token, mount, path, deploymentHash, timeout);
    }

    /** The API path (after {@code /v1/}) of a secret's data: {@code secret/data/agent/h1/status_panel_token}. */
    String dataPath(String key) {
        return mount + "/data/" + secretPath(key);
    }

    /** The logical path as {@code vault kv get} names it: {@code secret/agent/h1/status_panel_token}. */
    String logicalPath(String key) {
        return mount + "/" + secretPath(key);
    }

    /** Where this deployment's secrets are, for messages: {@code secret/agent/h1}. */
    String deploymentPath() {
        return mount + "/" + (path.isEmpty() ? "" : path + "/") + deploymentHash;
    }

    private String secretPath(String key) {
        return (path.isEmpty() ? "" : path + "/") + deploymentHash + "/" + key;
    }

    /** A secret key is one safe path segment, not {@code .} or {@code ..}. */
    static void requireKey(String key) {
        if (key == null || !SEGMENT.matcher(key).matches() || key.equals(".") || key.equals("..")) {
            throw new IllegalArgumentException(
                    "a secret key is one path segment of letters, digits, '.', '_' or '-', got '" + key + "'");
        }
    }

    @Override
    public String toString() {
        return "VaultSettings[" + address + ", " + deploymentPath() + ", token hidden]";
    }

    private static void requireSegments(String what, String value, boolean mayBeEmpty) {
        if (value == null || value.isEmpty()) {
            if (mayBeEmpty && value != null) {
                return;
            }
            throw new IllegalArgumentException(what + " must not be empty");
        }
        List<String> bad = new ArrayList<>();
        for (String segment : value.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                bad.add("'" + segment + "'");
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(what + " '" + value + "' has invalid path segments " + bad
                    + " (letters, digits, '.', '_' and '-' only)");
        }
    }

    private static String trimSlashes(String value) {
        String text = value.trim();
        while (text.startsWith("/")) {
            text = text.substring(1);
        }
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }
}
