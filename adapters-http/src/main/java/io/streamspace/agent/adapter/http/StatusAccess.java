package io.streamspace.agent.adapter.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who may use the status API: a read token (every route but {@code /health}) and a write token (also the session
 * actions). Tokens are looked up on every request, so a rotated file or Vault secret applies at once; they are
 * compared in constant time (SHA-256 of both sides, then {@link MessageDigest#isEqual}, so neither the content nor
 * the length leaks through timing). With no token configured every route is open and no action is allowed; the
 * role refuses that on a non-loopback address before it starts.
 */
public final class StatusAccess {

    /** What a request may do. */
    public enum Scope {
        /** Read every route. */
        READ,
        /** Read, and hibernate, wake or stop sessions. */
        WRITE
    }

    /** The answer for one request: its scope, or why it has none. */
    public record Decision(Scope scope, String refusal) {
        public boolean allowed() {
            return scope != null;
        }
    }

    private static final Supplier<Optional<String>> NONE = Optional::empty;

    private final Supplier<Optional<String>> readToken;
    private final Supplier<Optional<String>> writeToken;
    private final boolean configured;

    private StatusAccess(Supplier<Optional<String>> readToken, Supplier<Optional<String>> writeToken,
                         boolean configured) {
        this.readToken = Objects.requireNonNull(readToken);
        this.writeToken = Objects.requireNonNull(writeToken);
        this.configured = configured;
    }

    /** No token: every route is open (loopback only), no session action is allowed. */
    public static StatusAccess open() {
        return new StatusAccess(NONE, NONE, false);
    }

    /**
     * Tokens looked up on every request; either may be null (not configured). A source that yields nothing (an
     * empty file, Vault unreachable) matches no request: the API refuses rather than opens.
     */
    public static StatusAccess withTokens(Supplier<Optional<String>> readToken, Supplier<Optional<String>> writeToken) {
        if (readToken == null && writeToken == null) {
            throw new IllegalArgumentException("at least one token source is needed; use open() for none");
        }
        return new StatusAccess(readToken == null ? NONE : readToken, writeToken == null ? NONE : writeToken, true);
    }

    /** Whether requests need a token. */
    public boolean tokenRequired() {
        return configured;
    }

    /** The scope of a request presenting {@code token} (null when it presented none). */
    public Decision decide(String token) {
        if (!configured) {
            return new Decision(Scope.READ, null);
        }
        if (token == null || token.isEmpty()) {
            return new Decision(null, "missing");
        }
        // both compared, always: the time taken does not tell which one matched
        boolean write = matches(token, writeToken.get());
        boolean read = matches(token, readToken.get());
        if (write) {
            return new Decision(Scope.WRITE, null);
        }
        return read ? new Decision(Scope.READ, null) : new Decision(null, "invalid");
    }

    static boolean matches(String presented, Optional<String> expected) {
        if (expected.isEmpty() || expected.get().isEmpty()) {
            digest(presented); // same work either way
            return false;
        }
        return MessageDigest.isEqual(digest(presented), digest(expected.get()));
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
