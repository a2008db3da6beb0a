package io.streamspace.agent.bootstrap;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A stand-in Docker engine for the archive training ({@link ArchiveTraining}), on a Unix socket, in the training
 * control plane's JVM ({@link TrainingControlPlane}) so that none of it enters the archive. It answers what the agent
 * asks at start-up as Docker 20.10 would (ping, version, info, empty lists, an event stream that stays open, the
 * training stack's networks, volume and containers), and 404 with Docker's error body to anything else, so a
 * training command fails as it would on a host without the image.
 * Against an address that refused, the archive held none of docker-java's response path (the HTTP client's
 * response classes, Jackson's deserializers for Docker's models): every agent loaded and linked them from the jar
 * while it started (docs/benchmarks.md, start-up). Not an engine for anything else.
 */
final class TrainingEngine {

    private static final String VERSION = """
            {"Platform":{"Name":"Docker Engine - Community"},"Components":[{"Name":"Engine","Version":"20.10.24",\
            "Details":{"ApiVersion":"1.41","Arch":"amd64","Os":"linux"}}],"Version":"20.10.24","ApiVersion":"1.41",\
            "MinAPIVersion":"1.12","GitCommit":"training","GoVersion":"go1.19.8","Os":"linux","Arch":"amd64",\
            "KernelVersion":"6.1.0","BuildTime":"2023-05-01T00:00:00.000000000+00:00"}""";
    private static final String INFO = """
            {"ID":"training","Containers":0,"ContainersRunning":0,"ContainersPaused":0,"ContainersStopped":0,\
            "Images":0,"Driver":"overlay2","NCPU":2,"MemTotal":2147483648,"Name":"training","ServerVersion":"20.10.24",\
            "OperatingSystem":"training","OSType":"linux","Architecture":"x86_64","Swarm":{"LocalNodeState":"inactive"}}""";

    /**
     * The project of the training's {@code stack up} ({@link ArchiveTraining}): its networks, volume and containers
     * exist, so the archive holds the re-{@code up} path (the engine's replies bound to docker-java's models, the
     * config hashes); the containers' hashes are not the file's, so the run fails at its first change as before.
     */
    static final String STACK_PROJECT = "archive-training";
    private static final String STACK_LABELS =
            "\"com.docker.compose.project\":\"archive-training\",\"com.docker.compose.version\":\"2.0.0\"";
    private static final String STACK_NETWORKS = """
            [{"Name":"archive-training_back","Id":"5f1c7e0b2a9d","Created":"2023-05-01T00:00:00Z","Scope":"local",\
            "Driver":"bridge","EnableIPv6":false,"IPAM":{"Driver":"default","Options":null,"Config":[{"Subnet":\
            "172.30.0.0/16","Gateway":"172.30.0.1"}]},"Internal":false,"Attachable":true,"Ingress":false,\
            "Containers":{},"Options":{},"Labels":{%1$s,"com.docker.compose.network":"back"}},\
            {"Name":"archive-training_default","Id":"6a2d8f1c3b0e","Created":"2023-05-01T00:00:00Z","Scope":"local",\
            "Driver":"bridge","EnableIPv6":false,"IPAM":{"Driver":"default","Options":null,"Config":[]},\
            "Internal":false,"Attachable":true,"Ingress":false,"Containers":{},"Options":{},\
            "Labels":{%1$s,"com.docker.compose.network":"default"}}]""".formatted(STACK_LABELS);
    private static final String STACK_VOLUME = """
            {"CreatedAt":"2023-05-01T00:00:00Z","Driver":"local","Labels":{%s,"com.docker.compose.volume":"data"},\
            "Mountpoint":"/var/lib/docker/volumes/x/_data","Name":"%%s","Options":null,"Scope":"local"}\
            """.formatted(STACK_LABELS);
    private static final String STACK_CONTAINERS = """
            [%s,%s]""".formatted(stackContainer("app", "7b3e9c1d"), stackContainer("db", "8c4f0d2e"));

    private static String stackContainer(String service, String id) {
        return """
                {"Id":"%2$s","Names":["/archive-training-%1$s-1"],"Image":"busybox","ImageID":"sha256:%2$s",\
                "Command":"sleep 1","Created":1682899200,"Ports":[{"IP":"127.0.0.1","PrivatePort":80,\
                "PublicPort":49153,"Type":"tcp"}],"Labels":{%3$s,"com.docker.compose.service":"%1$s",\
                "com.docker.compose.container-number":"1","com.docker.compose.oneoff":"False",\
                "com.docker.compose.config-hash":"not-the-files"},"State":"running","Status":"Up 1 minute",\
                "HostConfig":{"NetworkMode":"archive-training_default"},"NetworkSettings":{"Networks":{\
                "archive-training_default":{"IPAMConfig":null,"Links":null,"Aliases":null,"NetworkID":"6a2d8f1c3b0e",\
                "EndpointID":"e1","Gateway":"172.31.0.1","IPAddress":"172.31.0.2","IPPrefixLen":16,\
                "MacAddress":"02:42:ac:1f:00:02"}}},"Mounts":[{"Type":"volume","Name":"archive-training_data",\
                "Source":"","Destination":"/data","Driver":"local","Mode":"z","RW":true,"Propagation":""}]}\
                """.formatted(service, id, STACK_LABELS);
    }

    private final ServerSocketChannel server;

    private TrainingEngine(ServerSocketChannel server) {
        this.server = server;
    }

    /** Listens on {@code socket} (replacing a stale file) and serves every connection on a daemon thread. */
    static TrainingEngine start(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        TrainingEngine engine = new TrainingEngine(server);
        Thread.ofPlatform().daemon().name("training-engine").start(engine::accept);
        return engine;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel connection = server.accept();
                Thread.ofPlatform().daemon().name("training-engine-connection").start(() -> serve(connection));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** HTTP/1.1 with keep-alive: one request after the other until the client closes. */
    private static void serve(SocketChannel connection) {
        try (connection; InputStream in = new BufferedInputStream(Channels.newInputStream(connection));
             OutputStream out = Channels.newOutputStream(connection)) {
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                long length = 0;
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Long.parseLong(header.substring("content-length:".length()).strip());
                    }
                }
                in.skipNBytes(length);
                String[] parts = requestLine.split(" ");
                String path = parts.length > 1 ? parts[1].replaceFirst("\\?.*", "").replaceFirst("^/v1\\.\\d+", "")
                        : "/";
                if (parts[0].equals("GET") && path.equals("/events")) {
                    out.write(head(200, "application/json", -1));
                    out.flush();
                    in.transferTo(OutputStream.nullOutputStream()); // open until the client goes
                    return;
                }
                respond(out, parts[0], path, parts.length > 1 ? parts[1] : "/");
            }
        } catch (IOException | RuntimeException e) {
            // the client went away
        }
    }

    private static void respond(OutputStream out, String method, String path, String target) throws IOException {
        String body;
        int status = 200;
        String type = "application/json";
        // the stack's objects by name (`archive-training_back`) or its containers by project label; the session
        // agent of the training has the same id, so its own look-ups must not match
        boolean trainingStack = target.contains(STACK_PROJECT + "_")
                || target.contains("com.docker.compose.project%3D" + STACK_PROJECT);
        if (path.equals("/_ping")) {
            body = "OK";
            type = "text/plain; charset=utf-8";
        } else if (method.equals("GET") && path.equals("/version")) {
            body = VERSION;
        } else if (method.equals("GET") && path.equals("/info")) {
            body = INFO;
        } else if (method.equals("GET") && trainingStack && path.equals("/networks")) {
            body = STACK_NETWORKS;
        } else if (method.equals("GET") && trainingStack && path.startsWith("/volumes/")) {
            body = STACK_VOLUME.formatted(path.substring("/volumes/".length()));
        } else if (method.equals("GET") && trainingStack && path.equals("/containers/json")) {
            body = STACK_CONTAINERS;
        } else if (method.equals("GET") && (path.equals("/containers/json") || path.equals("/networks")
                || path.equals("/images/json"))) {
            body = "[]";
        } else if (method.equals("GET") && path.equals("/volumes")) {
            body = "{\"Volumes\":[],\"Warnings\":null}";
        } else {
            status = 404;
            body = "{\"message\":\"the training engine has no " + method + " " + path.replace("\"", "") + "\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(head(status, type, bytes.length));
        out.write(bytes);
        out.flush();
    }

    /** Docker's response head; a negative length streams (chunked, never ended). */
    private static byte[] head(int status, String type, long length) {
        String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Not Found") + "\r\n"
                + "Api-Version: 1.41\r\nDocker-Experimental: false\r\nOstype: linux\r\n"
                + "Server: Docker/20.10.24 (linux)\r\nContent-Type: " + type + "\r\n"
                + (length < 0 ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + length + "\r\n") + "\r\n";
        return head.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One CRLF-terminated line, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
