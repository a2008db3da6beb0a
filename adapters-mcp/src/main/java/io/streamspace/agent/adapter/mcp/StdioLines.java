package io.streamspace.agent.adapter.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stdio streams as the gateway sees them. The SDK's stdio transport stops reading for good at the first line
 * that is not JSON, so the client would hang; here such a line is answered with a JSON-RPC parse error and dropped,
 * and a {@code tools/call} whose {@code arguments} is not an object gets the gateway's invalid-arguments error, so
 * the transport only ever sees well-formed messages. Output is written a whole line at a time, so these answers never
 * interleave with the SDK's. The end of input (or a read failure) is signalled on {@link #clientGone()}.
 */
final class StdioLines {

    private static final Logger LOG = LoggerFactory.getLogger("McpGateway");
    /** Longer lines are refused: a Compose file is limited to 256 KiB, and a line is held in memory whole. */
    static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

    private final ObjectMapper json = new ObjectMapper();
    private final InputStream rawIn;
    private final LineOutput out;
    private final CountDownLatch clientGone = new CountDownLatch(1);
    /** After the client closed stdin, how long its last requests may take to be answered. */
    static final java.time.Duration DRAIN_TIMEOUT = java.time.Duration.ofSeconds(30);
    private final Object answered = new Object();
    private long requests;
    private long responses;

    StdioLines(InputStream rawIn, OutputStream rawOut) {
        this.rawIn = rawIn;
        this.out = new LineOutput(rawOut, this::written);
    }

    CountDownLatch clientGone() {
        return clientGone;
    }

    /**
     * Waits until as many responses were written as requests were read, at most {@link #DRAIN_TIMEOUT}: the SDK's
     * transport drops what it has not written once its input ends, and a client may send its last requests and
     * close stdin at once.
     */
    private void awaitAnswers() throws IOException {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        synchronized (answered) {
            while (responses < requests) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("MCP stdio: the client left with {} call(s) unanswered after {} s", requests - responses,
                            DRAIN_TIMEOUT.toSeconds());
                    return;
                }
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(answered, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while answering the last calls");
                }
            }
        }
    }

    /** A line the SDK wrote: a response (an id, no method) answers one request. */
    private void written(byte[] line) {
        try {
            JsonNode message = json.readTree(line);
            if (message != null && message.has("id") && !message.has("method") && !message.path("id").isNull()) {
                synchronized (answered) {
                    responses++;
                    answered.notifyAll();
                }
            }
        } catch (IOException notJson) {
            // not ours to judge: it was written as the SDK wrote it
        }
    }

    OutputStream output() {
        return out;
    }

    InputStream input() {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (position >= current.length) {
                    byte[] next = nextMessage();
                    if (next == null) {
                        awaitAnswers();
                        clientGone.countDown();
                        return -1;
                    }
                    current = next;
                    position = 0;
                }
                int n = Math.min(len, current.length - position);
                System.arraycopy(current, position, b, off, n);
                position += n;
                return n;
            }
        };
    }

    /** The next acceptable line with its newline, or null at the end of input. */
    private byte[] nextMessage() throws IOException {
        while (true) {
            byte[] line;
            try {
                line = readLine();
            } catch (IOException e) {
                clientGone.countDown();
                throw e;
            }
            if (line == null) {
                return null;
            }
            String text = new String(line, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                continue;
            }
            if (line.length > MAX_LINE_BYTES) {
                LOG.warn("MCP stdio: dropped a message of more than {} bytes", MAX_LINE_BYTES);
                answer(null, -32700, "Parse error: message longer than " + MAX_LINE_BYTES + " bytes");
                continue;
            }
            JsonNode message;
            try {
                message = json.readTree(text);
            } catch (IOException e) {
                message = null;
            }
            if (message == null || !(message.isObject() || message.isArray())) {
                LOG.warn("MCP stdio: dropped a line that is not a JSON-RPC message ({} bytes)", line.length);
                answer(null, -32700, "Parse error: each line must be one JSON-RPC message");
                continue;
            }
            if (message.isObject() && "tools/call".equals(message.path("method").asText())
                    && message.has("id") && message.path("params").has("arguments")
                    && !message.path("params").path("arguments").isObject()
                    && !message.path("params").path("arguments").isNull()) {
                String tool = message.path("params").path("name").asText("?");
                answer(message.get("id"), -32602, "invalid arguments for tool " + tool
                        + ": arguments must be a JSON object");
                continue;
            }
            if (message.isObject()) {
                countRequest(message);
            } else {
                message.forEach(this::countRequest);
            }
            return (text + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    private void countRequest(JsonNode message) {
        if (message.has("id") && message.has("method")) {
            synchronized (answered) {
                requests++;
            }
        }
    }

    /** One line of input without its terminator; longer than the limit it is read to its end but not kept. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean tooLong = false;
        int b;
        while ((b = rawIn.read()) != -1) {
            if (b == '\n') {
                return tooLong ? new byte[MAX_LINE_BYTES + 1] : line.toByteArray();
            }
            if (!tooLong) {
                line.write(b);
                tooLong = line.size() > MAX_LINE_BYTES;
            }
        }
        return line.size() == 0 && !tooLong ? null : tooLong ? new byte[MAX_LINE_BYTES + 1] : line.toByteArray();
    }

    private void answer(JsonNode id, int code, String message) throws IOException {
        ObjectNode error = json.createObjectNode();
        error.put("jsonrpc", "2.0");
        if (id == null) {
            error.putNull("id");
        } else {
            error.set("id", id);
        }
        error.putObject("error").put("code", code).put("message", message);
        out.writeUncounted((json.writeValueAsString(error) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Writes whole lines only, one writer at a time, telling {@code onLine} of each line the SDK wrote. */
    private static final class LineOutput extends OutputStream {
        private final OutputStream target;
        private final java.util.function.Consumer<byte[]> onLine;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        LineOutput(OutputStream target, java.util.function.Consumer<byte[]> onLine) {
            this.target = target;
            this.onLine = onLine;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            pending.write(b);
            if (b == '\n') {
                byte[] line = pending.toByteArray();
                pending.reset();
                target.write(line);
                target.flush();
                onLine.accept(line);
            }
        }

        /** A whole line of the gateway's own (an answer to a message the SDK never saw). */
        synchronized void writeUncounted(byte[] line) throws IOException {
            target.write(line);
            target.flush();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            target.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            target.close();
        }
    }
}
