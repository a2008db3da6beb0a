package io.streamspace.agent.adapter.websocket;

import io.streamspace.agent.application.port.out.ControlPlaneConnection;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket to the control plane. Reassembles fragmented text messages, splits batched ones on newlines,
 * refuses messages over 512 KiB without closing the link, serialises sends (the JDK socket allows one
 * outstanding send) and aborts the socket when pings go unanswered.
 */
final class WebSocketConnection implements ControlPlaneConnection, WebSocket.Listener {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final ProtocolCodec codec;
    private final Listener listener;
    private final StreamSpaceGateway.Timeouts timeouts;
    private final Object sendLock = new Object();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile Runnable onEnd = () -> { };
    private boolean oversized;
    private volatile long lastPongNanos = System.nanoTime();
    private volatile long pingsUnanswered;

    WebSocketConnection(ProtocolCodec codec, Listener listener, StreamSpaceGateway.Timeouts timeouts) {
        this.codec = codec;
        this.listener = listener;
        this.timeouts = timeouts;
    }

    void opened(WebSocket webSocket) {
        this.socket = webSocket;
    }

    void onEnd(Runnable action) {
        this.onEnd = action;
        if (ended.get()) {
            action.run();
        }
    }

    @Override
    public void send(OutboundMessage message) throws SendFailedException {
        String text = codec.encode(message);
        if (text.getBytes(StandardCharsets.UTF_8).length > ProtocolCodec.MAX_MESSAGE_BYTES) {
            throw new SendFailedException(message.type() + " is larger than the control plane's 512 KiB limit", null);
        }
        WebSocket ws = socket;
        if (ws == null || ws.isOutputClosed() || ended.get()) {
            throw new SendFailedException("the WebSocket is closed", null);
        }
        synchronized (sendLock) {
            try {
                ws.sendText(text, true).get(timeouts.request().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SendFailedException("interrupted while sending " + message.type(), e);
            } catch (Exception e) {
                abort("sending " + message.type() + " failed: " + e);
                throw new SendFailedException("sending " + message.type() + " failed: " + e, e);
            }
        }
        LOG.debug("Sent {}", text);
    }

    @Override
    public boolean isOpen() {
        WebSocket ws = socket;
        return ws != null && !ended.get() && !ws.isOutputClosed() && !ws.isInputClosed();
    }

    @Override
    public void close(String reason) {
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, reason).get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("Close handshake did not complete: {}", e.toString());
            }
        }
        if (ws != null) {
            ws.abort();
        }
        end("closed by the agent: " + reason);
    }

    void pingOrAbort() {
        WebSocket ws = socket;
        if (ws == null || ended.get()) {
            return;
        }
        long sincePong = System.nanoTime() - lastPongNanos;
        if (pingsUnanswered >= 2 && sincePong > 2 * timeouts.pingInterval().toNanos()) {
            abort("no pong for " + TimeUnit.NANOSECONDS.toSeconds(sincePong) + " s");
            return;
        }
        pingsUnanswered++;
        ws.sendPing(ByteBuffer.wrap("streamspace".getBytes(StandardCharsets.US_ASCII)));
    }

    private void abort(String reason) {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        end(reason);
    }

    private void end(String reason) {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
            listener.onClosed(reason);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        this.socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (!oversized) {
            partial.append(data);
            if (partial.length() > ProtocolCodec.MAX_MESSAGE_BYTES) {
                oversized = true;
            }
        }
        if (last) {
            if (oversized) {
                listener.onMalformed(ProtocolCodec.excerpt(partial.toString()),
                        "message larger than the 512 KiB limit; discarded");
            } else {
                deliver(partial.toString());
            }
            partial.setLength(0);
            oversized = false;
        }
        webSocket.request(1);
        return null;
    }

    private void deliver(String text) {
        for (ProtocolCodec.Decoded decoded : codec.decodeFrame(text)) {
            switch (decoded) {
                case ProtocolCodec.Decoded.Message m -> listener.onMessage(m.message());
                case ProtocolCodec.Decoded.Malformed m -> listener.onMalformed(m.excerpt(), m.reason());
            }
        }
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        if (last) {
            listener.onMalformed("(" + data.remaining() + " bytes)", "binary frames are not part of the protocol");
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        // the JDK answers with a pong by itself once this returns
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        lastPongNanos = System.nanoTime();
        pingsUnanswered = 0;
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end("closed by the control plane (code " + statusCode + (reason == null || reason.isEmpty() ? "" : ", " + reason) + ")");
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end("connection error: " + error);
    }
}
