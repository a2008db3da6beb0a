package io.streamspace.agent.bootstrap.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The SDK's stdio client transport gives up on a send when another thread holds its outbound sink for 100 ms, so 20
 * threads calling at once can lose requests on a busy host; this wrapper sends from one thread (as the gateway's
 * stdio server does for its answers).
 */
final class SerialSendClientTransport implements McpClientTransport {

    private final McpClientTransport inner;
    private final Scheduler sender = Schedulers.newSingle("test-stdio-send", true);

    SerialSendClientTransport(McpClientTransport inner) {
        this.inner = inner;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return inner.connect(handler);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        inner.setExceptionHandler(handler);
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
        return inner.closeGracefully().doFinally(s -> sender.dispose());
    }

    @Override
    public void close() {
        inner.close();
        sender.dispose();
    }

    @Override
    public List<String> protocolVersions() {
        return inner.protocolVersions();
    }
}
