package io.streamspace.agent.adapter.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpServerSession;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Hands every outgoing message of a transport to the stream from one thread. The SDK's stdio transport emits into
 * its outbound sink from whichever thread finished a tool call, and gives up ("Failed to enqueue message") when
 * another thread holds the sink for more than 100 ms, which concurrent calls on a busy host can cause: one sender
 * thread means no contention, so no answer is lost.
 */
final class SerialSendTransportProvider implements McpServerTransportProvider {

    private final McpServerTransportProvider delegate;
    private final Scheduler sender = Schedulers.newSingle("mcp-stdio-send", true);

    SerialSendTransportProvider(McpServerTransportProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
        delegate.setSessionFactory(transport -> factory.create(new Serial(transport)));
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return delegate.notifyClients(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully().doFinally(signal -> sender.dispose());
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            sender.dispose();
        }
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }

    private final class Serial implements McpServerTransport {
        private final McpServerTransport inner;

        Serial(McpServerTransport inner) {
            this.inner = inner;
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.defer(() -> inner.sendMessage(message)).subscribeOn(sender);
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            return inner.unmarshalFrom(data, type);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return inner.closeGracefully();
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public List<String> protocolVersions() {
            return inner.protocolVersions();
        }
    }
}
