package io.streamspace.agent.adapter.mcp;

import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The gateway for one client on a pair of streams (the process's stdin and stdout): newline-delimited JSON-RPC, and
 * nothing else may be written to {@code out}. Ends when the client closes its end of {@code in}.
 */
public final class McpStdioServer implements AutoCloseable {

    private final McpGateway.Served mcp;
    private final CountDownLatch clientGone;

    private McpStdioServer(McpGateway.Served mcp, CountDownLatch clientGone) {
        this.mcp = mcp;
        this.clientGone = clientGone;
    }

    public static McpStdioServer start(McpGateway gateway, InputStream in, OutputStream out) {
        CountDownLatch gone = new CountDownLatch(1);
        InputStream watched = new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return ended(guard(super::read));
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return ended(guard(() -> super.read(b, off, len)));
            }

            private int ended(int n) {
                if (n < 0) {
                    gone.countDown();
                }
                return n;
            }

            private int guard(IoRead read) throws IOException {
                try {
                    return read.read();
                } catch (IOException e) {
                    gone.countDown();
                    throw e;
                }
            }
        };
        McpGateway.Served mcp = gateway.serve(new SerialSendTransportProvider(
                new StdioServerTransportProvider(gateway.json(), watched, out)));
        return new McpStdioServer(mcp, gone);
    }

    @FunctionalInterface
    private interface IoRead {
        int read() throws IOException;
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
