package io.streamspace.agent.testkit.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A Vault server for tests, following Vault's HTTP API for exactly the part the agent uses, on {@code 127.0.0.1}:
 * <ul>
 *   <li>KV version 2 at the configured mounts (default {@code secret}): {@code GET /v1/{mount}/data/{path}}
 *       (optionally {@code ?version=N}), {@code POST|PUT /v1/{mount}/data/{path}} with {@code {"data":{...}}} (and
 *       optional {@code "options":{"cas":N}}), {@code GET /v1/{mount}/metadata/{path}}; every write is a new version,
 *       with Vault's response envelope ({@code request_id}, {@code lease_id}, {@code data}, {@code warnings}, ...);</li>
 *   <li>{@code GET /v1/auth/token/lookup-self} ({@code data.ttl} counts down on the server's clock) and
 *       {@code POST|PUT /v1/auth/token/renew-self} (optional {@code "increment"}; answers {@code auth.lease_duration});</li>
 *   <li>the token in {@code X-Vault-Token} (or {@code Authorization: Bearer}); a missing, unknown, revoked or expired
 *       token gets {@code 403 {"errors":["permission denied"]}}; a path a token's policy denies gets Vault's ACL
 *       answer {@code 403 {"errors":["1 error occurred:\n\t* permission denied\n\n"]}};</li>
 *   <li>a missing secret or version: {@code 404 {"errors":[]}}; a write without data: {@code 400 {"errors":["no data
 *       provided"]}}; a check-and-set mismatch: 400; an unsupported method on a known path: {@code 405
 *       {"errors":[]}}; an unknown path: 404 with Vault's "no handler for route" message; sealed: {@code 503
 *       {"errors":["Vault is sealed"]}};</li>
 *   <li>optionally TLS ({@link TestPki}), requiring a client certificate issued by the test CA when asked to.</li>
 * </ul>
 * Every request is logged ({@link #requests()}) with its method, path, token and client certificate.
 */
public final class VaultKv2TestServer implements AutoCloseable {

    public static final String TOKEN_HEADER = "X-Vault-Token";
    static final String PERMISSION_DENIED = "permission denied";
    static final String ACL_PERMISSION_DENIED = "1 error occurred:\n\t* permission denied\n\n";

    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd]?)");

    /** One request as the server saw it; {@code token} is the header's value, null when absent. */
    public record RecordedRequest(String method, String path, String query, String token,
                                  String clientCertificateSubject, int status) {
        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query) + " -> " + status;
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock;
    private final Set<String> mounts;
    private final HttpServer server;
    private final ExecutorService executor;
    private final boolean tls;

    // guarded by "this"
    private final Map<String, List<Version>> secrets = new HashMap<>();
    private final Map<String, TokenState> tokens = new HashMap<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private Duration renewIncrement;
    private boolean sealed;

    private VaultKv2TestServer(Builder b) {
        this.clock = b.clock;
        this.mounts = Set.copyOf(b.mounts);
        this.tls = b.pki != null;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vault-test-", 0).factory());
        try {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
            if (b.pki == null) {
                server = HttpServer.create(address, 0);
            } else {
                HttpsServer https = HttpsServer.create(address, 0);
                SSLContext context = b.pki.serverSslContext();
                boolean need = b.requireClientCertificate;
                https.setHttpsConfigurator(new HttpsConfigurator(context) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                        if (need) {
                            parameters.setNeedClientAuth(true);
                        } else {
                            parameters.setWantClientAuth(true);
                        }
                        params.setSSLParameters(parameters);
                    }
                });
                server = https;
            }
        } catch (IOException e) {
            executor.close();
            throw new UncheckedIOException("cannot start the Vault test server on 127.0.0.1", e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A plain-HTTP server with the {@code secret} mount on the system clock. */
    public static VaultKv2TestServer start() {
        return builder().start();
    }

    /** Where Vault listens: {@code http://127.0.0.1:PORT} or {@code https://127.0.0.1:PORT} (what VAULT_ADDRESS holds). */
    public URI address() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------ tokens

    /**
     * Creates a renewable service token valid for {@code ttl} from now on the server's clock; {@link Duration#ZERO}
     * makes a token that never expires and is not renewable (like a root token, whose {@code ttl} reads 0).
     */
    public synchronized void addToken(String token, Duration ttl) {
        Objects.requireNonNull(token, "token");
        boolean expires = !ttl.isZero();
        tokens.put(token, new TokenState(token, "acc-" + UUID.randomUUID(), clock.instant(), ttl,
                expires ? clock.instant().plus(ttl) : null, expires));
    }

    /** Sets the token's remaining TTL from now (it counts down on the server's clock). */
    public synchronized void setTtl(String token, Duration ttl) {
        TokenState state = known(token);
        state.expiresAt = ttl.isZero() ? null : clock.instant().plus(ttl);
    }

    /** The token's remaining TTL now; zero for a token that never expires; empty for an unknown or expired token. */
    public synchronized Optional<Duration> ttl(String token) {
        TokenState state = tokens.get(token);
        if (state == null || state.expired(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(state.remaining(clock.instant()));
    }

    public synchronized void setRenewable(String token, boolean renewable) {
        known(token).renewable = renewable;
    }

    /** The TTL a renewal without an increment grants (default: the token's creation TTL). */
    public synchronized void setRenewIncrement(Duration increment) {
        this.renewIncrement = increment;
    }

    public synchronized void revokeToken(String token) {
        tokens.remove(token);
    }

    /** Makes the token's policy deny every API path (after {@code /v1/}) starting with {@code pathPrefix}. */
    public synchronized void deny(String token, String pathPrefix) {
        known(token).denied.add(pathPrefix);
    }

    /** A sealed Vault answers every request {@code 503 {"errors":["Vault is sealed"]}}. */
    public synchronized void setSealed(boolean sealed) {
        this.sealed = sealed;
    }

    // ------------------------------------------------------------------------------------------ secrets

    /**
     * Writes a new version of the secret at {@code path} as {@code vault kv put} names it, mount first
     * ({@code secret/agent/h1/status_panel_token}).
     *
     * @return the new version number
     */
    public synchronized int putSecret(String path, Map<String, ?> data) {
        String key = storageKey(path);
        List<Version> versions = secrets.computeIfAbsent(key, k -> new ArrayList<>());
        versions.add(new Version(new LinkedHashMap<>(data), clock.instant()));
        return versions.size();
    }

    /** The latest data of the secret at {@code path} (mount first), if any. */
    public synchronized Optional<Map<String, Object>> secret(String path) {
        List<Version> versions = secrets.get(storageKey(path));
        return versions == null ? Optional.empty() : Optional.of(Collections.unmodifiableMap(versions.getLast().data));
    }

    /** The current version of the secret at {@code path} (mount first); 0 when there is none. */
    public synchronized int currentVersion(String path) {
        List<Version> versions = secrets.get(storageKey(path));
        return versions == null ? 0 : versions.size();
    }

    // ------------------------------------------------------------------------------------------ request log

    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The paths requested, in order, e.g. {@code GET /v1/auth/token/lookup-self}. */
    public synchronized List<String> requestLines() {
        return requests.stream().map(r -> r.method() + " " + r.path()).toList();
    }

    public synchronized void clearRequests() {
        requests.clear();
    }

    // ------------------------------------------------------------------------------------------ HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String token = token(exchange);
            String certificate = clientCertificateSubject(exchange);
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Response response;
            synchronized (this) {
                response = route(method, path, query, token, body);
                requests.add(new RecordedRequest(method, path, query, token, certificate, response.status));
            }
            byte[] bytes = response.body == null ? new byte[0] : json.writeValueAsBytes(response.body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (bytes.length == 0) {
                exchange.sendResponseHeaders(response.status, -1);
            } else {
                exchange.sendResponseHeaders(response.status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private Response route(String method, String rawPath, String query, String token, byte[] body) {
        if (sealed) {
            return error(503, "Vault is sealed");
        }
        if (!rawPath.startsWith("/v1/")) {
            return error(404, "no handler for route \"" + rawPath + "\". route entry not found.");
        }
        String path = rawPath.substring("/v1/".length());
        Instant now = clock.instant();
        TokenState state = token == null ? null : tokens.get(token);
        if (state != null && state.expired(now)) {
            tokens.remove(token);
            state = null;
        }
        if (state == null) {
            return error(403, PERMISSION_DENIED);
        }
        switch (path) {
            case "auth/token/lookup-self" -> {
                return method.equals("GET") ? lookupSelf(state, now) : error(405);
            }
            case "auth/token/renew-self" -> {
                return method.equals("POST") || method.equals("PUT") ? renewSelf(state, now, body) : error(405);
            }
            default -> {
                // fall through to the KV mounts
            }
        }
        for (String denied : state.denied) {
            if (path.startsWith(denied)) {
                return error(403, ACL_PERMISSION_DENIED);
            }
        }
        String mount = mounts.stream().filter(m -> path.startsWith(m + "/")).findFirst().orElse(null);
        if (mount == null) {
            return error(404, "no handler for route \"" + path + "\". route entry not found.");
        }
        String rest = path.substring(mount.length() + 1);
        if (rest.startsWith("data/") && rest.length() > "data/".length()) {
            String key = mount + "/" + rest.substring("data/".length());
            return switch (method) {
                case "GET" -> readData(key, query);
                case "POST", "PUT" -> writeData(key, body, now);
                default -> error(405);
            };
        }
        if (rest.startsWith("metadata/") && rest.length() > "metadata/".length()) {
            String key = mount + "/" + rest.substring("metadata/".length());
            return method.equals("GET") ? readMetadata(key) : error(405);
        }
        return error(404, "no handler for route \"" + path + "\". route entry not found.");
    }

    private Response lookupSelf(TokenState state, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accessor", state.accessor);
        data.put("creation_time", state.createdAt.getEpochSecond());
        data.put("creation_ttl", state.creationTtl.toSeconds());
        data.put("display_name", "token");
        data.put("entity_id", "");
        data.put("expire_time", state.expiresAt == null ? null : state.expiresAt.toString());
        data.put("explicit_max_ttl", 0);
        data.put("id", state.token);
        data.put("issue_time", state.createdAt.toString());
        data.put("meta", null);
        data.put("num_uses", 0);
        data.put("orphan", false);
        data.put("path", "auth/token/create");
        data.put("policies", List.of("default", "agent"));
        data.put("renewable", state.renewable);
        data.put("ttl", state.remaining(now).toSeconds());
        data.put("type", "service");
        return ok(envelope(data, null));
    }

    private Response renewSelf(TokenState state, Instant now, byte[] body) {
        if (!state.renewable) {
            return error(400, "lease is not renewable");
        }
        Duration increment = renewIncrement != null ? renewIncrement : state.creationTtl;
        if (body.length > 0) {
            JsonNode request;
            try {
                request = json.readTree(body);
            } catch (IOException e) {
                return error(400, "failed to parse JSON input: " + e.getMessage());
            }
            JsonNode requested = request == null ? null : request.get("increment");
            if (requested != null && !requested.isNull()) {
                Optional<Duration> parsed = parseDuration(requested);
                if (parsed.isEmpty()) {
                    return error(400, "error converting input " + requested + " for field \"increment\"");
                }
                increment = parsed.get();
            }
        }
        state.expiresAt = now.plus(increment);
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("client_token", state.token);
        auth.put("accessor", state.accessor);
        auth.put("policies", List.of("agent", "default"));
        auth.put("token_policies", List.of("agent", "default"));
        auth.put("metadata", null);
        auth.put("lease_duration", increment.toSeconds());
        auth.put("renewable", true);
        auth.put("entity_id", "");
        auth.put("token_type", "service");
        auth.put("orphan", false);
        auth.put("mfa_requirement", null);
        auth.put("num_uses", 0);
        return ok(envelope(null, auth));
    }

    private Response readData(String key, String query) {
        List<Version> versions = secrets.get(key);
        int wanted = 0;
        if (query != null) {
            for (String parameter : query.split("&")) {
                if (parameter.startsWith("version=")) {
                    try {
                        wanted = Integer.parseInt(parameter.substring("version=".length()));
                    } catch (NumberFormatException e) {
                        return error(400, "error converting input for field \"version\"");
                    }
                }
            }
        }
        if (versions == null || wanted < 0 || wanted > versions.size()) {
            return error(404);
        }
        int number = wanted == 0 ? versions.size() : wanted;
        Version version = versions.get(number - 1);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("data", version.data);
        data.put("metadata", versionMetadata(version, number));
        return ok(envelope(data, null));
    }

    private Response writeData(String key, byte[] body, Instant now) {
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (IOException e) {
            return error(400, "failed to parse JSON input: " + e.getMessage());
        }
        JsonNode data = request == null ? null : request.get("data");
        if (data == null || !data.isObject()) {
            return error(400, "no data provided");
        }
        List<Version> versions = secrets.computeIfAbsent(key, k -> new ArrayList<>());
        JsonNode cas = request.path("options").get("cas");
        if (cas != null && cas.isIntegralNumber() && cas.asInt() != versions.size()) {
            if (versions.isEmpty()) {
                secrets.remove(key);
            }
            return error(400, "check-and-set parameter did not match the current version");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = json.convertValue(data, LinkedHashMap.class);
        Version version = new Version(values, now);
        versions.add(version);
        return ok(envelope(versionMetadata(version, versions.size()), null));
    }

    private Response readMetadata(String key) {
        List<Version> versions = secrets.get(key);
        if (versions == null) {
            return error(404);
        }
        Map<String, Object> byVersion = new LinkedHashMap<>();
        for (int i = 0; i < versions.size(); i++) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("created_time", versions.get(i).created.toString());
            one.put("deletion_time", "");
            one.put("destroyed", false);
            byVersion.put(Integer.toString(i + 1), one);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cas_required", false);
        data.put("created_time", versions.getFirst().created.toString());
        data.put("current_version", versions.size());
        data.put("custom_metadata", null);
        data.put("delete_version_after", "0s");
        data.put("max_versions", 0);
        data.put("oldest_version", 0);
        data.put("updated_time", versions.getLast().created.toString());
        data.put("versions", byVersion);
        return ok(envelope(data, null));
    }

    private static Map<String, Object> versionMetadata(Version version, int number) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("created_time", version.created.toString());
        metadata.put("custom_metadata", null);
        metadata.put("deletion_time", "");
        metadata.put("destroyed", false);
        metadata.put("version", number);
        return metadata;
    }

    private static Map<String, Object> envelope(Object data, Object auth) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("request_id", UUID.randomUUID().toString());
        envelope.put("lease_id", "");
        envelope.put("renewable", false);
        envelope.put("lease_duration", 0);
        envelope.put("data", data);
        envelope.put("wrap_info", null);
        envelope.put("warnings", null);
        envelope.put("auth", auth);
        return envelope;
    }

    private static Response ok(Map<String, Object> body) {
        return new Response(200, body);
    }

    private static Response error(int status, String... errors) {
        return new Response(status, Map.of("errors", List.of(errors)));
    }

    private static Optional<Duration> parseDuration(JsonNode value) {
        if (value.isIntegralNumber()) {
            return Optional.of(Duration.ofSeconds(value.asLong()));
        }
        Matcher m = DURATION.matcher(value.asText());
        if (!m.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        });
    }

    private static String token(HttpExchange exchange) {
        String token = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
        if (token == null) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = authorization.substring(7).trim();
            }
        }
        return token == null || token.isEmpty() ? null : token;
    }

    private static String clientCertificateSubject(HttpExchange exchange) {
        if (!(exchange instanceof HttpsExchange https)) {
            return null;
        }
        try {
            Certificate[] chain = https.getSSLSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509
                    ? x509.getSubjectX500Principal().getName() : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private String storageKey(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        String mount = mounts.stream().filter(m -> trimmed.startsWith(m + "/")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "'" + path + "' is under none of the mounts " + mounts + " (write it mount first)"));
        if (trimmed.length() == mount.length() + 1) {
            throw new IllegalArgumentException("'" + path + "' names no secret under mount " + mount);
        }
        return trimmed;
    }

    private TokenState known(String token) {
        TokenState state = tokens.get(token);
        if (state == null) {
            throw new IllegalArgumentException("no such token (add it with addToken)");
        }
        return state;
    }

    private record Response(int status, Object body) {
    }

    private record Version(Map<String, Object> data, Instant created) {
    }

    private static final class TokenState {
        final String token;
        final String accessor;
        final Instant createdAt;
        final Duration creationTtl;
        final Set<String> denied = new LinkedHashSet<>();
        Instant expiresAt;
        boolean renewable;

        TokenState(String token, String accessor, Instant createdAt, Duration creationTtl, Instant expiresAt,
                   boolean renewable) {
            this.token = token;
            this.accessor = accessor;
            this.createdAt = createdAt;
            this.creationTtl = creationTtl;
            this.expiresAt = expiresAt;
            this.renewable = renewable;
        }

        boolean expired(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }

        Duration remaining(Instant now) {
            return expiresAt == null ? Duration.ZERO : Duration.between(now, expiresAt);
        }
    }

    /** Settings of a {@link VaultKv2TestServer}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private final Set<String> mounts = new LinkedHashSet<>(List.of("secret"));
        private TestPki pki;
        private boolean requireClientCertificate;

        private Builder() {
        }

        /** The clock token TTLs count down on and versions are stamped with (default: the system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Another KV v2 mount besides {@code secret} (one path segment). */
        public Builder mount(String mount) {
            if (mount.isBlank() || mount.contains("/")) {
                throw new IllegalArgumentException("a mount is one path segment: " + mount);
            }
            mounts.add(mount);
            return this;
        }

        /** Serve HTTPS with the PKI's server certificate; {@code requireClientCertificate} makes mTLS mandatory. */
        public Builder tls(TestPki pki, boolean requireClientCertificate) {
            this.pki = Objects.requireNonNull(pki, "pki");
            this.requireClientCertificate = requireClientCertificate;
            return this;
        }

        public VaultKv2TestServer start() {
            return new VaultKv2TestServer(this);
        }
    }
}
