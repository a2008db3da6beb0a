package io.streamspace.agent.adapter.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamspace.agent.application.port.out.SecretStore;
import io.streamspace.agent.application.port.out.SecretStoreException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SecretStore} on HashiCorp Vault's KV secrets engine, version 2, over Vault's HTTP API with the JDK's
 * {@link HttpClient}.
 *
 * <ul>
 *   <li>Read: {@code GET {address}/v1/{mount}/data/{path}/{hash}/{key}}, body
 *       {@code {"data":{"data":{"token":"..."},"metadata":{"version":3,...}}}}; 404 is "no such secret".</li>
 *   <li>Write: {@code POST} to the same URL with {@code {"data":{"token":"..."}}}.</li>
 *   <li>Before every read, {@code GET /v1/auth/token/lookup-self}; when its {@code data.ttl} is above 0 and under
 *       {@link #RENEW_BELOW} and the token is renewable, {@code POST /v1/auth/token/renew-self} (a TTL of 0 means the
 *       token never expires).</li>
 *   <li>The token goes in {@code X-Vault-Token}. Errors are {@link SecretStoreException}s that say which Vault
 *       answered what for which path, e.g. {@code Vault at https://vault:8200 answered 403: permission denied for
 *       secret/data/agent/h1/status_panel_token}, with Vault's {@code errors} list (its "1 error occurred" wrapping
 *       removed). The token appears in no message and no log line.</li>
 * </ul>
 */
public final class VaultKv2SecretStore implements SecretStore, AutoCloseable {

    /** A token whose TTL is under this is renewed before reading. */
    public static final Duration RENEW_BELOW = Duration.ofSeconds(60);
    /** The field of the KV secret that holds the value. */
    public static final String VALUE_FIELD = "token";

    static final String TOKEN_HEADER = "X-Vault-Token";
    private static final String LOOKUP_SELF = "auth/token/lookup-self";
    private static final String RENEW_SELF = "auth/token/renew-self";
    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final VaultSettings settings;
    private final HttpClient http;
    private final boolean ownsClient;
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean warnedNotRenewable;

    /**
     * A store with its own HTTP client.
     *
     * @param tls the TLS context for an {@code https://} Vault ({@link VaultTls}), or null for the JDK's default
     */
    public VaultKv2SecretStore(VaultSettings settings, SSLContext tls) {
        this(settings, client(tls, settings), true);
    }

    /** A store on a given HTTP client (not closed by {@link #close()}). */
    public VaultKv2SecretStore(VaultSettings settings, HttpClient http) {
        this(settings, http, false);
    }

    private VaultKv2SecretStore(VaultSettings settings, HttpClient http, boolean ownsClient) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = Objects.requireNonNull(http, "http");
        this.ownsClient = ownsClient;
    }

    private static HttpClient client(SSLContext tls, VaultSettings settings) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder.build();
    }

    @Override
    public Optional<Secret> read(String key) {
        VaultSettings.requireKey(key);
        keepTokenAlive();
        String path = settings.dataPath(key);
        Answer answer = send("GET", path, null);
        if (answer.status == 404) {
            return Optional.empty();
        }
        if (answer.status != 200) {
            throw answered(answer, path);
        }
        JsonNode body = parse(answer, path);
        JsonNode data = body.path("data").path("data");
        if (data.isNull() || data.isMissingNode()) {
            // KV v2 answers a deleted or destroyed latest version with data null.
            return Optional.empty();
        }
        JsonNode value = data.get(VALUE_FIELD);
        if (value == null || !value.isTextual()) {
            throw new SecretStoreException(where() + " holds no text field \"" + VALUE_FIELD + "\" in "
                    + settings.logicalPath(key) + " (fields: " + fieldNames(data) + ")");
        }
        long version = body.path("data").path("metadata").path("version").asLong(0);
        if (version < 1) {
            throw new SecretStoreException(where() + " answered " + path + " without metadata.version");
        }
        return Optional.of(new Secret(key, value.asText(), version));
    }

    @Override
    public void write(String key, String value) {
        VaultSettings.requireKey(key);
        if (value == null) {
            throw new IllegalArgumentException("a secret value must not be null");
        }
        String path = settings.dataPath(key);
        ObjectNode body = json.createObjectNode();
        body.putObject("data").put(VALUE_FIELD, value);
        Answer answer = send("POST", path, body.toString());
        if (answer.status != 200 && answer.status != 204) {
            throw answered(answer, path);
        }
        LOG.debug("Wrote a new version of {} to {}", settings.logicalPath(key), where());
    }

    @Override
    public String describe() {
        return where() + ", " + settings.deploymentPath();
    }

    @Override
    public void close() {
        if (ownsClient) {
            http.close();
        }
    }

    @Override
    public String toString() {
        return "VaultKv2SecretStore[" + describe() + "]";
    }

    /** Looks the token up and renews it when its TTL is under {@link #RENEW_BELOW}. */
    void keepTokenAlive() {
        Answer lookup = send("GET", LOOKUP_SELF, null);
        if (lookup.status != 200) {
            throw answered(lookup, LOOKUP_SELF);
        }
        JsonNode data = parse(lookup, LOOKUP_SELF).path("data");
        long ttl = data.path("ttl").asLong(0);
        if (ttl <= 0 || ttl >= RENEW_BELOW.toSeconds()) {
            return;
        }
        if (!data.path("renewable").asBoolean(false)) {
            if (!warnedNotRenewable) {
                warnedNotRenewable = true;
                LOG.warn("The Vault token expires in {} s and is not renewable: give the agent a new VAULT_TOKEN", ttl);
            }
            return;
        }
        Answer renewal = send("POST", RENEW_SELF, "{}");
        if (renewal.status != 200) {
            throw answered(renewal, RENEW_SELF);
        }
        long lease = parse(renewal, RENEW_SELF).path("auth").path("lease_duration").asLong(-1);
        if (lease < 0) {
            throw new SecretStoreException(where() + " answered " + RENEW_SELF + " without auth.lease_duration");
        }
        LOG.info("Renewed the Vault token at {}: it had {} s left, now {} s", where(), ttl, lease);
    }

    // ------------------------------------------------------------------------------------------ HTTP

    private record Answer(int status, String body) {
    }

    private Answer send(String method, String apiPath, String body) {
        URI uri = URI.create(settings.address() + "/v1/" + apiPath);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header(TOKEN_HEADER, settings.token())
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        try {
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body());
        } catch (HttpConnectTimeoutException e) {
            throw new SecretStoreException("Cannot reach " + where() + " for " + apiPath + ": no connection within "
                    + settings.requestTimeout().toSeconds() + " s", e);
        } catch (HttpTimeoutException e) {
            throw new SecretStoreException(where() + " did not answer " + apiPath + " within "
                    + settings.requestTimeout().toSeconds() + " s", e);
        } catch (SSLException e) {
            String reason = reason(e);
            boolean certificateWanted = reason.contains("certificate_required") || reason.contains("bad_certificate");
            throw new SecretStoreException("TLS with " + where() + " failed for " + apiPath + ": " + reason
                    + (certificateWanted ? tlsHint() : ""), e);
        } catch (ConnectException e) {
            throw new SecretStoreException("Cannot reach " + where() + " for " + apiPath + ": " + reason(e), e);
        } catch (IOException e) {
            throw new SecretStoreException("Cannot talk to " + where() + " for " + apiPath + ": " + reason(e)
                    + tlsHint(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SecretStoreException("Interrupted while asking " + where() + " for " + apiPath, e);
        }
    }

    private SecretStoreException answered(Answer answer, String apiPath) {
        return new SecretStoreException(where() + " answered " + answer.status + ": " + errors(answer) + " for "
                + apiPath);
    }

    /** Vault's {@code errors} list, one message each, without go-multierror's "N errors occurred" wrapping. */
    private String errors(Answer answer) {
        List<String> messages = new ArrayList<>();
        try {
            JsonNode errors = json.readTree(answer.body).path("errors");
            for (JsonNode error : errors) {
                messages.addAll(unwrap(error.asText()));
            }
            if (errors.isArray() && messages.isEmpty()) {
                return "no error message";
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through to the raw body
        }
        if (messages.isEmpty()) {
            String raw = answer.body == null ? "" : answer.body.strip();
            return raw.isEmpty() ? "empty body" : "\"" + redact(raw.length() > 200 ? raw.substring(0, 200) + "..." : raw)
                    + "\"";
        }
        return redact(String.join("; ", messages));
    }

    static List<String> unwrap(String message) {
        String text = message.strip();
        if (!text.matches("(?s)\\d+ errors? occurred:.*")) {
            return text.isEmpty() ? List.of() : List.of(text);
        }
        List<String> items = new ArrayList<>();
        for (String line : text.substring(text.indexOf(':') + 1).split("\n")) {
            String item = line.strip();
            if (item.startsWith("* ")) {
                item = item.substring(2).strip();
            }
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return items;
    }

    private JsonNode parse(Answer answer, String apiPath) {
        try {
            return json.readTree(answer.body);
        } catch (IOException e) {
            throw new SecretStoreException(where() + " answered " + apiPath + " with a body that is not JSON");
        }
    }

    private static String fieldNames(JsonNode data) {
        List<String> names = new ArrayList<>();
        data.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private String where() {
        return "Vault at " + settings.address();
    }

    private String tlsHint() {
        return "https".equals(settings.address().getScheme())
                ? " (if Vault requires a client certificate, set VAULT_CLIENT_CERT and VAULT_CLIENT_KEY)" : "";
    }

    private String reason(Throwable e) {
        Throwable cause = e;
        String message = null;
        while (cause != null && message == null) {
            message = cause.getMessage();
            cause = cause.getCause();
        }
        return redact(message == null ? e.getClass().getSimpleName() : message);
    }

    /** Belt and braces: Vault and the JDK do not echo tokens, but if a message ever did, it is masked. */
    private String redact(String text) {
        String token = settings.token();
        // A very short token would mask ordinary letters all over the message; real Vault tokens are long.
        return token.length() < 8 ? text : text.replace(token, "<token>");
    }
}
