package io.streamspace.agent.adapter.http.sidecar;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local API's signature: {@code X-Agent-Signature} = Base64(HMAC-SHA256(key = the compose-agent token, message =
 * the exact body bytes)). The body is an envelope that repeats the operation, the request id and the timestamp, so
 * the signature covers them too (the headers alone are not signed).
 */
public final class RequestSigning {

    public static final String AGENT_ID = "X-Agent-Id";
    public static final String TIMESTAMP = "X-Timestamp";
    public static final String REQUEST_ID = "X-Request-Id";
    public static final String SIGNATURE = "X-Agent-Signature";
    public static final String OPERATIONS_PATH = "/v1/operations/";

    private RequestSigning() {
    }

    public static byte[] hmac(String token, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    public static String sign(String token, byte[] body) {
        return Base64.getEncoder().encodeToString(hmac(token, body));
    }

    /** The decoded signature header, or null when it is absent or not Base64. */
    static byte[] decode(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(header.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
