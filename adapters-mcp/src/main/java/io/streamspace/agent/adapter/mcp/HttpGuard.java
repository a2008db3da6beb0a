package io.streamspace.agent.adapter.mcp;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In front of the MCP endpoint: against DNS rebinding, the {@code Host} must name a loopback address and an
 * {@code Origin}, when a browser sends one, must be allowed; then the bearer token must match, compared in constant
 * time (as SHA-256 digests, so not even the length leaks). The token is asked for on every request: a rotated file or
 * Vault secret applies at once. No token configured means every request is refused (fail closed).
 */
final class HttpGuard implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger("McpGateway");
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private final Supplier<Optional<String>> token;
    private final Set<String> allowedOrigins;
    private final IntSupplier port;

    /**
     * @param allowedOrigins origins allowed besides the server's own ({@code http://127.0.0.1:PORT},
     *                       {@code http://localhost:PORT}, {@code http://[::1]:PORT})
     * @param port           the port the server listens on (known once it started)
     */
    HttpGuard(Supplier<Optional<String>> token, Set<String> allowedOrigins, IntSupplier port) {
        this.token = token;
        this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.port = port;
    }

    private boolean originAllowed(String origin) {
        String o = origin.toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains(o)) {
            return true;
        }
        for (String host : LOOPBACK_HOSTS) {
            if (!"::1".equals(host) && o.equals("http://" + host + ":" + port.getAsInt())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String host = request.getHeader("Host");
        if (host == null || !LOOPBACK_HOSTS.contains(hostPart(host))) {
            refuse(response, 403, "Host header must name a loopback address", request);
            return;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !originAllowed(origin)) {
            refuse(response, 403, "Origin not allowed", request);
            return;
        }
        Optional<String> expected;
        try {
            expected = token.get().filter(t -> !t.isBlank());
        } catch (RuntimeException e) {
            LOG.warn("MCP token unavailable: {}", e.getMessage());
            expected = Optional.empty();
        }
        if (expected.isEmpty()) {
            refuse(response, 503, "no MCP token is configured on the server", request);
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"docker-agent-mcp\"");
            refuse(response, 401, "bearer token required", request);
            return;
        }
        if (!sameSecret(authorization.substring(7).strip(), expected.get())) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"docker-agent-mcp\", error=\"invalid_token\"");
            refuse(response, 401, "invalid bearer token", request);
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean sameSecret(String given, String expected) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = sha.digest(given.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha.digest(expected.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The host of a {@code Host} header, lower case, without the port ({@code [::1]} keeps its brackets). */
    static String hostPart(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static void refuse(HttpServletResponse response, int status, String reason, HttpServletRequest request)
            throws IOException {
        LOG.warn("MCP HTTP request refused: {} ({} {} from {})", reason, request.getMethod(), request.getRequestURI(),
                request.getRemoteAddr());
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"error\":\"" + reason + "\"}");
    }
}
