package io.streamspace.agent.adapter.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.AuthConfig;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Registry credentials from the standard Docker client configuration, {@code <dir>/config.json} where
 * {@code <dir>} is {@code $DOCKER_CONFIG} or {@code ~/.docker}: the {@code auths} section, each entry keyed by
 * registry ({@code "127.0.0.1:5000"}, {@code "https://index.docker.io/v1/"}, ...) with either a base64
 * {@code auth} ({@code user:password}), {@code username}/{@code password}, or an {@code identitytoken}.
 *
 * <p>The file is read on every lookup, so a {@code docker login} done while the agent runs is honoured.
 * Credential helpers ({@code credsStore}, {@code credHelpers}) are not run; a registry configured only
 * through one gets no credentials, and the lookup says so.
 */
final class RegistryCredentials {

    /** Docker Hub's names; {@code config.json} files key it as {@code https://index.docker.io/v1/}. */
    static final String DOCKER_HUB = "docker.io";
    private static final Set<String> DOCKER_HUB_ALIASES = Set.of(
            "docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Credentials found for a registry, and where they came from (for messages, never the secret itself). */
    record Found(AuthConfig authConfig, String description) {}

    private final Path configDir;

    RegistryCredentials(Path configDir) {
        this.configDir = configDir;
    }

    /** The directory the Docker CLI would use: {@code $DOCKER_CONFIG}, else {@code ~/.docker}. */
    static Path defaultConfigDir() {
        String fromEnv = System.getenv("DOCKER_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        return Path.of(System.getProperty("user.home"), ".docker");
    }

    Path configFile() {
        return configDir.resolve("config.json");
    }

    /**
     * Credentials for {@code registry} (a host with optional port, as {@link #registryOf} returns it).
     *
     * @return empty when there is no config file or no usable entry for this registry
     * @throws RuntimeOperationException when the config file exists but cannot be read or parsed
     */
    Optional<Found> forRegistry(String registry) {
        Path file = configFile();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot read registry credentials from " + file + ": "
                    + DockerErrors.describe(e).lines().findFirst().orElse("unreadable"), e);
        }
        JsonNode auths = root == null ? null : root.get("auths");
        if (auths == null || !auths.isObject()) {
            return Optional.empty();
        }
        String wanted = normalise(registry);
        JsonNode entry = null;
        String key = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> candidate = it.next();
            if (wanted.equals(normalise(candidate.getKey()))) {
                entry = candidate.getValue();
                key = candidate.getKey();
                break;
            }
        }
        if (entry == null || !entry.isObject()) {
            return Optional.empty();
        }
        AuthConfig auth = new AuthConfig().withRegistryAddress(key);
        String encoded = text(entry, "auth");
        String username = text(entry, "username");
        String password = text(entry, "password");
        String identityToken = text(entry, "identitytoken");
        if (encoded != null) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(encoded.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new RuntimeOperationException("Cannot use the registry credentials for " + key + " in " + file
                        + ": \"auth\" is not base64 (" + e.getMessage() + ")", e);
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw new RuntimeOperationException("Cannot use the registry credentials for " + key + " in " + file
                        + ": \"auth\" must be base64 of user:password");
            }
            username = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        if (identityToken != null) {
            auth.withIdentityToken(identityToken);
        } else if (username == null || password == null) {
            return Optional.empty(); // e.g. an empty {} that a credential helper left behind
        }
        if (username != null) {
            auth.withUsername(username);
        }
        if (password != null) {
            auth.withPassword(password);
        }
        return Optional.of(new Found(auth, "user '" + (username == null ? "(token)" : username) + "' from " + file));
    }

    /**
     * The registry an image reference points to, as the Docker CLI decides: the first path component when it
     * looks like a host ({@code .} or {@code :} in it, or {@code localhost}), else Docker Hub.
     */
    static String registryOf(String image) {
        int slash = image.indexOf('/');
        if (slash > 0) {
            String first = image.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return first;
            }
        }
        return DOCKER_HUB;
    }

    /** {@code https://index.docker.io/v1/} → {@code docker.io}; {@code http://127.0.0.1:5000/} → {@code 127.0.0.1:5000}. */
    static String normalise(String registry) {
        String host = registry.strip();
        int scheme = host.indexOf("://");
        if (scheme >= 0) {
            host = host.substring(scheme + 3);
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        host = host.toLowerCase(Locale.ROOT);
        return DOCKER_HUB_ALIASES.contains(host) ? DOCKER_HUB : host;
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value == null || !value.isTextual() || value.asText().isEmpty() ? null : value.asText();
    }
}
