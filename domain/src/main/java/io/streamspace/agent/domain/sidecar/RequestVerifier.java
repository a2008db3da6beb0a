package io.streamspace.agent.domain.sidecar;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Decides whether a signed request to the sidecar is accepted. Checks, in this order: headers present and well
 * formed, agent id known, clock skew, signature (constant-time), replay (request id seen within the window), rate
 * (requests per sliding minute per agent), scope. A request id is remembered and counted against the rate only once
 * its signature is valid, so a forger can neither fill the replay cache nor use up an agent's rate.
 *
 * <p>Pure: the time is passed in; the caller computes the expected signature (HMAC is not the domain's business).
 * Thread-safe.
 */
public final class RequestVerifier {

    private final Map<String, Set<Scope>> grants;
    private final VerifierLimits limits;
    private final int replayCapacity;
    /** Request id to when it was seen, oldest first. */
    private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();
    private final Map<String, Deque<Instant>> recent = new HashMap<>();

    /**
     * @param grants the allow-list: agent id to the scopes it holds
     */
    public RequestVerifier(Map<String, Set<Scope>> grants, VerifierLimits limits) {
        this.grants = Map.copyOf(grants);
        this.limits = limits;
        long perWindow = (long) limits.requestsPerMinute()
                * Math.max(1, limits.replayWindow().toSeconds() / 60 + 1);
        this.replayCapacity = (int) Math.min(1_000_000, perWindow * Math.max(1, this.grants.size()));
    }

    public VerifierLimits limits() {
        return limits;
    }

    /** Whether the agent is on the allow-list. */
    public boolean knows(String agentId) {
        return agentId != null && grants.containsKey(agentId);
    }

    /** How many request ids the replay cache holds at most (the rate limit makes reaching it impossible). */
    public int replayCapacity() {
        return replayCapacity;
    }

    /**
     * @param request           the headers as received
     * @param expectedSignature the signature the body should carry under the token of the given agent id; empty
     *                          when there is no token for it (the agent counts as unknown)
     * @param operation         what the request asks for
     * @param now               the receiver's clock
     */
    public synchronized Verdict verify(SignedRequest request, Function<String, Optional<byte[]>> expectedSignature,
                                       SidecarOperation operation, Instant now) {
        if (blank(request.agentId()) || blank(request.timestamp()) || blank(request.requestId())
                || request.signature() == null) {
            return Verdict.reject(Rejection.MALFORMED, "X-Agent-Id, X-Timestamp, X-Request-Id and"
                    + " X-Agent-Signature (Base64) are required");
        }
        if (!grants.containsKey(request.agentId())) {
            return Verdict.reject(Rejection.UNKNOWN_AGENT, "agent id is not on the allow-list");
        }
        Optional<byte[]> expected = expectedSignature.apply(request.agentId());
        if (expected.isEmpty()) {
            return Verdict.reject(Rejection.UNKNOWN_AGENT, "no token for this agent id");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(request.timestamp().strip());
        } catch (NumberFormatException e) {
            return Verdict.reject(Rejection.MALFORMED, "X-Timestamp must be unix seconds");
        }
        try {
            UUID.fromString(request.requestId());
        } catch (IllegalArgumentException e) {
            return Verdict.reject(Rejection.MALFORMED, "X-Request-Id must be a UUID");
        }
        long skew;
        try {
            skew = Math.absExact(Math.subtractExact(now.getEpochSecond(), timestamp));
        } catch (ArithmeticException e) {
            // so far off that the difference does not fit a long (a plain abs would wrap and let it through)
            skew = Long.MAX_VALUE;
        }
        if (skew > limits.maxSkew().toSeconds()) {
            return Verdict.reject(Rejection.CLOCK_SKEW, "timestamp is " + skew + " s away from the receiver's clock"
                    + " (at most " + limits.maxSkew().toSeconds() + " s)");
        }
        if (!constantTimeEquals(expected.get(), request.signature())) {
            return Verdict.reject(Rejection.BAD_SIGNATURE, "the signature does not match the body");
        }
        forgetOlderThan(now.minus(limits.replayWindow()));
        if (seen.containsKey(request.requestId())) {
            return Verdict.reject(Rejection.REPLAY, "request id " + request.requestId() + " was used within the last "
                    + limits.replayWindow().toSeconds() + " s");
        }
        Deque<Instant> calls = recent.computeIfAbsent(request.agentId(), id -> new ArrayDeque<>());
        Instant minuteAgo = now.minusSeconds(60);
        while (!calls.isEmpty() && !calls.peekFirst().isAfter(minuteAgo)) {
            calls.pollFirst();
        }
        if (calls.size() >= limits.requestsPerMinute()) {
            Duration retryAfter = Duration.between(minuteAgo, calls.peekFirst());
            return new Verdict(Rejection.RATE_LIMITED, "more than " + limits.requestsPerMinute()
                    + " requests per minute", retryAfter.isNegative() ? Duration.ZERO : retryAfter);
        }
        if (seen.size() >= replayCapacity) {
            return Verdict.reject(Rejection.REPLAY_CACHE_FULL, seen.size() + " request ids within the window");
        }
        seen.put(request.requestId(), now);
        calls.addLast(now);
        if (!grants.get(request.agentId()).contains(operation.scope())) {
            return Verdict.reject(Rejection.SCOPE, operation.wireName() + " needs " + operation.scope().wireName());
        }
        return Verdict.ACCEPTED;
    }

    /** How many request ids are remembered now (for tests and diagnostics). */
    public synchronized int rememberedRequestIds() {
        return seen.size();
    }

    /** Compares in time that depends only on the lengths, never on where the first difference is. */
    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        if (a == null || b == null || a.length != b.length || a.length == 0) {
            return false; // the length of an HMAC is no secret
        }
        int difference = 0;
        for (int i = 0; i < a.length; i++) {
            difference |= a[i] ^ b[i];
        }
        return difference == 0;
    }

    private void forgetOlderThan(Instant cutoff) {
        Iterator<Map.Entry<String, Instant>> entries = seen.entrySet().iterator();
        while (entries.hasNext() && !entries.next().getValue().isAfter(cutoff)) {
            entries.remove();
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
