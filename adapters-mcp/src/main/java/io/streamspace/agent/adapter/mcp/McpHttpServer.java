package io.streamspace.agent.adapter.mcp;

import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway over Streamable HTTP: the SDK's servlet transport at {@code /mcp} on an embedded Jetty bound to a
 * loopback address, behind {@link HttpGuard} (Host and Origin checks, bearer token).
 */
public final class McpHttpServer implements AutoCloseable {

    public static final String ENDPOINT = "/mcp";
    private static final Logger LOG = LoggerFactory.getLogger("McpGateway");

    /**
     * @param listen         a loopback or private address and port (0 picks a free one)
     * @param token          the bearer token as of now (a file re-read, Vault); empty refuses every request
     * @param allowedOrigins browser origins allowed besides the server's own loopback origins
     */
    public record Settings(InetSocketAddress listen, Supplier<Optional<String>> token, List<String> allowedOrigins) {
        public Settings {
            if (!listenable(listen.getAddress())) {
                throw new IllegalArgumentException("the MCP HTTP server listens on loopback or private addresses"
                        + " only, got " + listen.getAddress().getHostAddress());
            }
            allowedOrigins = List.copyOf(allowedOrigins);
        }
    }

    /**
     * Loopback, or a private address (10/8, 172.16/12, 192.168/16, fc00::/7): a container's own address on its
     * Compose network, published on the host's loopback. Never a wildcard or a public address.
     */
    public static boolean listenable(java.net.InetAddress address) {
        byte[] raw = address.getAddress();
        return address.isLoopbackAddress() || address.isSiteLocalAddress()
                || (raw.length == 16 && (raw[0] & 0xfe) == 0xfc);
    }

    private final Server jetty;
    private final ServerConnector connector;
    private final McpGateway.Served mcp;
    private final HttpServletStreamableServerTransportProvider transport;

    private McpHttpServer(Server jetty, ServerConnector connector, McpGateway.Served mcp,
                          HttpServletStreamableServerTransportProvider transport) {
        this.jetty = jetty;
        this.connector = connector;
        this.mcp = mcp;
        this.transport = transport;
    }

    public static McpHttpServer start(Settings settings, McpGateway gateway) throws IOException {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(gateway.json())
                .mcpEndpoint(ENDPOINT)
                .keepAliveInterval(Duration.ofSeconds(30))
                .build();
        McpGateway.Served mcp = gateway.serve(transport);
        // a fixed pool: requests wait for a thread rather than grow the process (tool calls run on the SDK's own
        // bounded workers; a request thread only carries the exchange)
        QueuedThreadPool threads = new QueuedThreadPool(32, 32);
        threads.setName("mcp-http");
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(settings.listen().getAddress().getHostAddress());
        connector.setPort(settings.listen().getPort());
        connector.setIdleTimeout(Duration.ofMinutes(5).toMillis());
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder servlet = new ServletHolder("mcp", transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, ENDPOINT);
        FilterHolder guard = new FilterHolder(new HttpGuard(settings.token(), Set.copyOf(settings.allowedOrigins()),
                connector::getLocalPort));
        guard.setAsyncSupported(true);
        context.addFilter(guard, "/*", EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            mcp.close();
            stopQuietly(jetty);
            throw e instanceof IOException io ? io : new IOException("cannot start the MCP HTTP server on "
                    + settings.listen() + ": " + e.getMessage(), e);
        }
        int port = connector.getLocalPort();
        LOG.info("MCP gateway serving Streamable HTTP on http://{}:{}{} (bearer token required)",
                connector.getHost(), port, ENDPOINT);
        return new McpHttpServer(jetty, connector, mcp, transport);
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The endpoint clients connect to. */
    public URI endpoint() {
        String host = connector.getHost().contains(":") ? "[" + connector.getHost() + "]" : connector.getHost();
        return URI.create("http://" + host + ":" + port() + ENDPOINT);
    }

    /** TCP connections open right now (for leak checks). */
    public int openConnections() {
        return connector.getConnectedEndPoints().size();
    }

    @Override
    public void close() {
        mcp.close();
        transport.destroy();
        stopQuietly(jetty);
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.debug("stopping Jetty: {}", e.toString());
        }
    }
}
