package io.streamspace.agent.adapter.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where the Redis of the leader lock is: {@code redis://[user:password@]host[:port][/db]}, or {@code rediss://} for
 * TLS. {@code redis://:password@host} gives a password for the default user; a user info without a colon is taken as
 * a password too. Port 6379 and database 0 by default. {@link #toString()} (and every message) leaves the credentials
 * out.
 */
public record RedisEndpoint(boolean tls, String host, int port, int database, String user, String password) {

    public static final int DEFAULT_PORT = 6379;
    private static final String FORM = "expected redis://[user:password@]host:port/db or rediss://... for TLS";

    public RedisEndpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the Redis URL needs a host (" + FORM + ")");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("the Redis port must be 1 to 65535, got " + port);
        }
        if (database < 0) {
            throw new IllegalArgumentException("the Redis database must not be negative, got " + database);
        }
    }

    /** Parses a Redis URL; the message of a failure never repeats the URL (it may hold a password). */
    public static RedisEndpoint parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the Redis URL is required for the redis leader election backend ("
                    + FORM + ")");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the Redis URL is not a valid URL (" + FORM + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("the Redis URL must start with redis:// or rediss:// (" + FORM + ")");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the Redis URL has no host (" + FORM + ")");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                password = userInfo;
            } else {
                user = colon == 0 ? null : userInfo.substring(0, colon);
                password = userInfo.substring(colon + 1);
                if (password.isEmpty()) {
                    password = null;
                }
            }
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the Redis URL's path must be a database number, got '"
                        + path.substring(1) + "' (" + FORM + ")");
            }
        }
        return new RedisEndpoint(scheme.equals("rediss"), uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
                database, user, password);
    }

    /** The URL without credentials, e.g. {@code redis://redis:6379/0}, for messages. */
    public String redacted() {
        String shownHost = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return (tls ? "rediss" : "redis") + "://" + (user != null ? user + "@" : "") + shownHost + ":" + port + "/"
                + database;
    }

    @Override
    public String toString() {
        return redacted();
    }
}
