package io.streamspace.agent.adapter.websocket;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The control plane's URLs derived from the operator's {@code --control-plane-url}: {@code ws://} becomes
 * {@code http://} (and {@code wss://} {@code https://}) for HTTP calls, and every path is appended to any base
 * path the operator configured.
 */
public record ControlPlaneEndpoints(URI webSocketBase) {

    public ControlPlaneEndpoints {
        String scheme = webSocketBase.getScheme() == null ? "" : webSocketBase.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("control-plane URL must start with ws:// or wss://, got " + webSocketBase);
        }
    }

    /** Whether the control plane is reached over TLS ({@code wss://}, and {@code https://} for HTTP calls). */
    public boolean usesTls() {
        return webSocketBase.getScheme().equalsIgnoreCase("wss");
    }

    public URI register() {
        return URI.create(httpBase() + "/api/v1/agents/register");
    }

    public URI connect(String agentId) {
        return URI.create(webSocketBaseWithoutSlash() + "/api/v1/agents/connect?agent_id="
                + URLEncoder.encode(agentId, StandardCharsets.UTF_8));
    }

    private String httpBase() {
        String base = webSocketBaseWithoutSlash();
        return (base.regionMatches(true, 0, "wss:", 0, 4) ? "https" + base.substring(3) : "http" + base.substring(2));
    }

    private String webSocketBaseWithoutSlash() {
        String text = webSocketBase.toString();
        int query = text.indexOf('?');
        if (query >= 0) {
            text = text.substring(0, query);
        }
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }
}
