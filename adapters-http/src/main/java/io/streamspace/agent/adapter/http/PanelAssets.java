package io.streamspace.agent.adapter.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The dashboard's files, read once from the jar: plain HTML, CSS and JavaScript with no build step, no CDN and no
 * external fonts (many hosts have no internet).
 */
final class PanelAssets {

    record Asset(String contentType, byte[] body) {}

    private static final String BASE = "/io/streamspace/agent/adapter/http/panel/";
    /** Only our own files; no inline script. Styles are our file too, except the login page's few inline rules. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    static final String LOGIN_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline';"
            + " img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Map<String, Asset> byPath;
    private final String login;

    PanelAssets() {
        byPath = Map.of(
                "/", new Asset("text/html; charset=utf-8", read("index.html")),
                "/panel/app.js", new Asset("text/javascript; charset=utf-8", read("app.js")),
                "/panel/app.css", new Asset("text/css; charset=utf-8", read("app.css")));
        login = new String(read("login.html"), StandardCharsets.UTF_8);
    }

    Asset get(String path) {
        return byPath.get(path);
    }

    boolean has(String path) {
        return byPath.containsKey(path);
    }

    /** The sign-in page, with {@code message} (plain text) shown above the form when not null. */
    byte[] login(String message) {
        String text = message == null ? "" : "<p class=\"error\" role=\"alert\">" + escape(message) + "</p>";
        return login.replace("<!--message-->", text).getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static byte[] read(String name) {
        try (InputStream in = PanelAssets.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard file " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
