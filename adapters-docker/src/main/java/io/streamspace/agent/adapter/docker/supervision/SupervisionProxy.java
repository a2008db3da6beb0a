package io.streamspace.agent.adapter.docker.supervision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.adapter.docker.ContainerEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP front of the Docker socket that lets through only what the sidecar watchdog needs: {@code GET /_ping},
 * {@code GET /version}, the lookup of a named container by its exact name ({@code GET /containers/json} whose only
 * filter is {@code name=^/?X$}, {@link ContainerEngine#exactNameFilter}), and inspect
 * ({@code GET /containers/X/json}), logs ({@code GET /containers/X/logs})
 * and restart ({@code POST /containers/X/restart}) of the named containers (X a name or an id of one of them).
 * Anything else answers 403 and never reaches the engine. With it, the agent in sidecar mode supervises the compose-agent
 * without the Docker socket in its own container.
 *
 * <p>One request per connection: the request head is read, checked, forwarded with {@code Connection: close}, and
 * then only the engine's answer flows back, so no second request can follow an allowed one on the same connection.
 * Requests with a body larger than {@value #MAX_BODY} bytes or a chunked body are refused. {@code GET /health}
 * answers 200 locally (the image's healthcheck).
 */
public final class SupervisionProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("SocketProxy");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_BODY = 1024;
    private static final Pattern VERSIONED = Pattern.compile("^(/v[0-9]+(?:\\.[0-9]+)?)?(/.*)$");
    private static final Pattern CONTAINER = Pattern.compile("^/containers/([A-Za-z0-9][A-Za-z0-9_.-]*)/(json|logs|restart)$");

    private final Path engine;
    private final Set<String> containers;
    private final ServerSocket server;

    private SupervisionProxy(Path engine, Set<String> containers, ServerSocket server) {
        this.engine = engine;
        this.containers = Set.copyOf(containers);
        this.server = server;
    }

    /**
     * Listens on {@code listen} and forwards allowed requests to the engine's Unix socket.
     *
     * @param containers the container names whose inspect, logs and restart pass (without the leading slash)
     */
    public static SupervisionProxy start(InetSocketAddress listen, Path engine, Set<String> containers)
            throws IOException {
        if (containers.isEmpty()) {
            throw new IllegalArgumentException("name at least one container to supervise");
        }
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen);
        SupervisionProxy proxy = new SupervisionProxy(engine, containers, server);
        Thread.ofPlatform().daemon().name("socket-proxy-accept").start(proxy::acceptLoop);
        LOG.info("Socket proxy listening on {}:{} for {}: inspect, logs and restart of {}",
                server.getInetAddress().getHostAddress(), server.getLocalPort(), engine, proxy.containers);
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the socket proxy: {}", e.toString());
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().name("socket-proxy-" + client.getPort()).start(() -> serve(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("socket proxy accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(30_000);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            Optional<Request> parsed = Request.read(in);
            if (parsed.isEmpty()) {
                answer(out, 400, "malformed request");
                return;
            }
            Request request = parsed.get();
            if ("GET".equals(request.method()) && "/health".equals(request.path())) {
                answer(out, 200, null);
                return;
            }
            Optional<String> refusal = refusal(request);
            if (refusal.isPresent()) {
                LOG.warn("Refused {} {}: {}", request.method(), request.path(), refusal.get());
                answer(out, 403, refusal.get());
                return;
            }
            client.setSoTimeout(0); // logs may take a while; the engine ends the answer (Connection: close)
            try (SocketChannel docker = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                docker.connect(UnixDomainSocketAddress.of(engine));
                OutputStream toDocker = Channels.newOutputStream(docker);
                toDocker.write(request.forwardedHead());
                toDocker.write(request.body());
                toDocker.flush();
                Channels.newInputStream(docker).transferTo(out);
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("socket proxy connection ended: {}", e.toString());
        }
    }

    /** Why a request may not pass, or empty when it may. */
    Optional<String> refusal(Request request) throws IOException {
        Matcher versioned = VERSIONED.matcher(request.path());
        if (!versioned.matches()) {
            return Optional.of("not a Docker API path");
        }
        String path = versioned.group(2);
        boolean read = "GET".equals(request.method()) || "HEAD".equals(request.method());
        if (path.equals("/_ping") || path.equals("/version")) {
            return read ? Optional.empty() : Optional.of("only GET");
        }
        if (path.equals("/containers/json")) {
            return read ? exactNameLookup(request.query()) : Optional.of("only GET");
        }
        Matcher container = CONTAINER.matcher(path);
        if (!container.matches()) {
            return Optional.of("only ping, version, and inspect, logs and restart of " + containers);
        }
        String operation = container.group(2);
        boolean allowedMethod = "restart".equals(operation) ? "POST".equals(request.method()) : read;
        if (!allowedMethod) {
            return Optional.of(request.method() + " is not allowed on " + operation);
        }
        String target = container.group(1);
        if (containers.contains(target)) {
            return Optional.empty();
        }
        Optional<String> name = nameOf(target);
        return name.isPresent() && containers.contains(name.get()) ? Optional.empty()
                : Optional.of("container " + target + " is not one of " + containers);
    }

    /** A container list is allowed only as a lookup by the exact name of a supervised container. */
    private Optional<String> exactNameLookup(String query) throws IOException {
        String refusal = "a container list only as a lookup by the exact name of " + containers;
        JsonNode filters = null;
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            switch (key) {
                case "all", "limit", "size" -> { }
                case "filters" -> filters = JSON.readTree(value);
                default -> {
                    return Optional.of(refusal);
                }
            }
        }
        if (filters == null || !filters.isObject() || filters.size() != 1 || !filters.has("name")) {
            return Optional.of(refusal);
        }
        JsonNode names = filters.get("name");
        List<String> patterns = new ArrayList<>();
        if (names.isArray()) {
            names.forEach(n -> patterns.add(n.asText()));
        } else if (names.isObject()) {
            names.fieldNames().forEachRemaining(patterns::add);
        }
        Set<String> allowed = new java.util.HashSet<>();
        // Docker's exact-name pattern and the adapters' own, which also matches Podman's names (no leading slash)
        containers.forEach(n -> {
            allowed.add("^/" + n.replace(".", "\\.") + "$");
            allowed.add(ContainerEngine.exactNameFilter(n));
        });
        return !patterns.isEmpty() && allowed.containsAll(patterns) ? Optional.empty() : Optional.of(refusal);
    }

    /** The name of the container with this id (or id prefix), asked from the engine. */
    private Optional<String> nameOf(String idOrName) throws IOException {
        try (SocketChannel docker = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            docker.connect(UnixDomainSocketAddress.of(engine));
            docker.write(ByteBuffer.wrap(("GET /containers/" + idOrName + "/json HTTP/1.0\r\nHost: docker\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            String answer = new String(Channels.newInputStream(docker).readAllBytes(), StandardCharsets.UTF_8);
            int body = answer.indexOf("\r\n\r\n");
            if (!answer.startsWith("HTTP/1.") || !answer.substring(9).startsWith("200") || body < 0) {
                return Optional.empty();
            }
            JsonNode name = JSON.readTree(answer.substring(body + 4)).path("Name");
            return name.isTextual() ? Optional.of(name.asText().replaceFirst("^/", "")) : Optional.empty();
        }
    }

    private static void answer(OutputStream out, int status, String message) throws IOException {
        String reason = switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            default -> "Forbidden";
        };
        String body = message == null ? "{\"status\":\"ok\"}"
                : JSON.createObjectNode().put("message", "socket-proxy: " + message).toString();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** A request head (and its small body), as read from the client. */
    record Request(String method, String target, String version, List<String> headers, byte[] body) {

        String path() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        String query() {
            int query = target.indexOf('?');
            return query < 0 ? "" : target.substring(query + 1);
        }

        /** The head sent to the engine: the client's headers without hop-by-hop ones, plus Connection: close. */
        byte[] forwardedHead() {
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(' ').append(version)
                    .append("\r\n");
            for (String header : headers) {
                String name = header.substring(0, header.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                if (!name.equals("connection") && !name.equals("keep-alive") && !name.startsWith("proxy-")
                        && !name.equals("upgrade")) {
                    head.append(header).append("\r\n");
                }
            }
            return head.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        static Optional<Request> read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0 || head.size() >= MAX_HEAD) {
                    return Optional.empty();
                }
                head.write(b);
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            String[] requestLine = lines[0].split(" ");
            if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || !requestLine[1].startsWith("/")) {
                return Optional.empty();
            }
            List<String> headers = new ArrayList<>();
            long length = 0;
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    return Optional.empty();
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("transfer-encoding")) {
                    return Optional.empty();
                }
                if (name.equals("content-length")) {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                }
                headers.add(line);
            }
            if (length < 0 || length > MAX_BODY) {
                return Optional.empty();
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length != length) {
                return Optional.empty();
            }
            return Optional.of(new Request(requestLine[0], requestLine[1], requestLine[2], headers, body));
        }
    }
}
