package io.streamspace.agent.adapter.mcp;

import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The gateway for one client on a pair of streams (the process's stdin and stdout): newline-delimited JSON-RPC, and
 * nothing else may be written to {@code out}. Ends when the client closes its end of {@code in} and every request it
 * sent was answered (at most {@link StdioLines#DRAIN_TIMEOUT} later).
 */
public final class McpStdioServer implements AutoCloseable {

    private final McpGateway.Served mcp;
    private final CountDownLatch clientGone;

    private McpStdioServer(McpGateway.Served mcp, CountDownLatch clientGone) {
        this.mcp = mcp;
        this.clientGone = clientGone;
    }

    public static McpStdioServer start(McpGateway gateway, InputStream in, OutputStream out) {
        StdioLines lines = new StdioLines(in, out);
        SerialSendTransportProvider transport = new SerialSendTransportProvider(
                new StdioServerTransportProvider(gateway.json(), lines.input(), lines.output()));
        McpGateway.Served mcp = gateway.serve(transport);
        return new McpStdioServer(mcp, lines.clientGone());
    }

    /** Blocks until the client closed stdin. */
    public void awaitClientGone() throws InterruptedException {
        clientGone.await();
    }

    public boolean awaitClientGone(long timeout, TimeUnit unit) throws InterruptedException {
        return clientGone.await(timeout, unit);
    }

    @Override
    public void close() {
        mcp.close();
    }
}
